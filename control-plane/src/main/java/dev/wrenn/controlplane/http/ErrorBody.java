package dev.wrenn.controlplane.http;

/** The contract's error envelope. */
public record ErrorBody(Detail error) {
    public record Detail(String code, String message) {}

    public static ErrorBody of(String code, String message) {
        return new ErrorBody(new Detail(code, message));
    }
}
