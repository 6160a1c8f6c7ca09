package dev.wrenn.codeinterpreter.jupyter;

import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What a kernel binds and signs with, written by us (not by jupyter_client): five loopback TCP ports
 * and a random HMAC key. The file is readable by its owner only, since the key is a licence to run code.
 */
public record ConnectionFile(int shell, int control, int iopub, int stdin, int hb, String key) {
    public static final String IP = "127.0.0.1";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Five ports the OS says are free now. They are held open together so they differ, then released for
     * the kernel to bind: a port taken in between makes the kernel fail to start, which start-up reports.
     */
    public static ConnectionFile allocate() throws IOException {
        var sockets = new ArrayList<ServerSocket>(5);
        try {
            for (int i = 0; i < 5; i++) sockets.add(new ServerSocket(0, 1, InetAddress.getByName(IP)));
            List<Integer> p = sockets.stream().map(ServerSocket::getLocalPort).toList();
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            return new ConnectionFile(
                    p.get(0),
                    p.get(1),
                    p.get(2),
                    p.get(3),
                    p.get(4),
                    HexFormat.of().formatHex(key));
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
    }

    public int port(Channel channel) {
        return switch (channel) {
            case SHELL -> shell;
            case CONTROL -> control;
            case IOPUB -> iopub;
        };
    }

    public void write(Path file) throws IOException {
        var m = new LinkedHashMap<String, Object>();
        m.put("transport", "tcp");
        m.put("ip", IP);
        m.put("shell_port", shell);
        m.put("control_port", control);
        m.put("iopub_port", iopub);
        m.put("stdin_port", stdin);
        m.put("hb_port", hb);
        m.put("signature_scheme", "hmac-sha256");
        m.put("key", key);
        m.put("kernel_name", "python3");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, Json.write(m));
    }
}
