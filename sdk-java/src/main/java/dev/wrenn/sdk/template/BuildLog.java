package dev.wrenn.sdk.template;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.NdjsonReader;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * A build's log as it is written (NDJSON), entry by entry; when following, it ends with the build's
 * {@link BuildLogLine.Kind#END} entry. Close it to stop reading early.
 */
public final class BuildLog implements Iterable<BuildLogLine>, AutoCloseable {
    private final NdjsonReader reader;
    private boolean taken;

    BuildLog(NdjsonReader reader) {
        this.reader = reader;
    }

    @Override
    public synchronized Iterator<BuildLogLine> iterator() {
        if (taken) throw new IllegalStateException("this log is read already");
        taken = true;
        return new Iterator<>() {
            private BuildLogLine ahead;
            private boolean end;

            @Override
            public boolean hasNext() {
                if (ahead != null) return true;
                if (end) return false;
                JsonNode n = reader.next();
                if (n == null) {
                    end = true;
                    close();
                    return false;
                }
                ahead = Json.convert(n, BuildLogLine.class);
                return true;
            }

            @Override
            public BuildLogLine next() {
                if (!hasNext()) throw new NoSuchElementException();
                BuildLogLine l = ahead;
                ahead = null;
                return l;
            }
        };
    }

    public Stream<BuildLogLine> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false)
                .onClose(this::close);
    }

    @Override
    public void close() {
        reader.close();
    }
}
