package dev.wrenn.guestagent;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.wrenn.guestagent.training.Training;
import org.junit.jupiter.api.Test;

/** The image build runs the training; a request path it drives that breaks should fail here first. */
class TrainingTest {
    @Test
    void theTrainingRunCompletes() {
        assertThatCode(Training::run).doesNotThrowAnyException();
    }
}
