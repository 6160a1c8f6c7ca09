package dev.wrenn.controlplane.build;

/** A recipe the parser refuses: the message names the line and, where it helps, what to write instead. */
public final class RecipeException extends RuntimeException {
    public RecipeException(int line, String message) {
        super("recipe line " + line + ": " + message);
    }

    public RecipeException(String message) {
        super("recipe: " + message);
    }
}
