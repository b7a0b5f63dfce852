package dev.jepascore.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One load-generating client on a blocking loopback socket kept alive between requests, speaking just enough
 * HTTP/1.1 by hand (a request with {@code Content-Length}, an answer with {@code Content-Length}) that generating
 * load costs little CPU: on 2 cores, the JDK's asynchronous HTTP client took about 0.8 of a core to post 32 clients'
 * 322 KB bodies, CPU the application under test then did not have.
 */
final class SocketClient implements AutoCloseable {

    /** What came back. */
    record Answer(int status, String body, long retryAfterSeconds) {
    }

    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SocketClient(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** The request head of a POST of {@code length} bytes of {@code type} to {@code path}. */
    static byte[] postHead(String path, String type, int length) {
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type + "\r\nContent-Length: "
                + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code head} and {@code body}, reads the answer; a fresh connection when the last one was closed. */
    Answer send(byte[] head, byte[] body) throws IOException {
        connect();
        try {
            try {
                out.write(head);
                out.write(body);
                out.flush();
            } catch (IOException writeFailed) {
                // the server may answer and close before it read the whole body: its answer is still readable
            }
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** How long a client that sent {@code Expect: 100-continue} waits for an answer before sending anyway (curl's 1 s). */
    static final int EXPECT_TIMEOUT_MILLIS = 1000;

    /**
     * As {@link #send}, asking first as curl does for large bodies: {@code head} (which must end in the blank line) is
     * sent with {@code Expect: 100-continue}; the body follows a {@code 100 Continue}, or no answer within
     * {@link #EXPECT_TIMEOUT_MILLIS}; a final answer instead is the answer, and the body is not sent.
     */
    Answer sendAsking(byte[] head, byte[] body) throws IOException {
        connect();
        try {
            String text = new String(head, StandardCharsets.ISO_8859_1);
            out.write((text.substring(0, text.length() - 2) + "Expect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.setSoTimeout(EXPECT_TIMEOUT_MILLIS);
            boolean sendBody;
            try {
                in.mark(64);
                String status = line();
                if (status == null) {
                    throw new IOException("connection closed without an answer");
                }
                sendBody = status.split(" ", 3)[1].equals("100");
                if (sendBody) {
                    for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                        // 100 Continue carries no body
                    }
                } else {
                    in.reset();
                }
            } catch (java.net.SocketTimeoutException noAnswer) {
                sendBody = true;
            } finally {
                socket.setSoTimeout(timeoutMillis);
            }
            if (sendBody) {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException writeFailed) {
                    // the server may answer and close before it read the whole body: its answer is still readable
                }
            }
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        if (socket == null) {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 14);
            out = socket.getOutputStream();
        }
    }

    private Answer read() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("connection closed without an answer");
        }
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        if (code >= 100 && code < 200) { // an interim answer (another 100 Continue): headers only, the answer follows
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                // nothing to keep
            }
            return read();
        }
        int length = -1;
        long retryAfter = -1;
        boolean closeAfter = false;
        for (String header = line(); header != null && !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Integer.parseInt(value);
                case "retry-after" -> retryAfter = Long.parseLong(value);
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
        if (closeAfter || length < 0) {
            close();
        }
        return new Answer(code, new String(body, StandardCharsets.UTF_8), retryAfter);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a loopback socket that is already broken: nothing to keep
            }
            socket = null;
        }
    }
}
