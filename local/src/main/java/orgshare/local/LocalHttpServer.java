package orgshare.local;

import orgshare.local.HttpHead.Refusal;
import orgshare.local.HttpApiEvents.IncomingRequest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server that reads each request head itself, so that every refusal is API Gateway's status with a
 * JSON body. The JDK's HttpServer answers a malformed request line in HTML and resets a connection whose body it did
 * not read; API Gateway does neither. Keep-alive, chunked bodies and {@code Expect: 100-continue} are served; after a
 * refusal the connection closes gracefully (the rest of the request is read and dropped, so the answer arrives).
 */
final class LocalHttpServer implements AutoCloseable {
    /** Answers one well-formed request. */
    interface Handler {
        HttpReply handle(IncomingRequest request, String requestId);
    }

    private static final int IDLE_TIMEOUT_MILLIS = 60_000;
    /** How long a refused request may go on sending before the connection closes anyway. */
    private static final int DRAIN_MILLIS = 5_000;
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"), Map.entry(204, "No Content"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(410, "Gone"), Map.entry(413, "Content Too Large"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(505, "HTTP Version Not Supported"));

    private final ServerSocket listener;
    private final Handler handler;
    private final PrintStream log;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private LocalHttpServer(ServerSocket listener, Handler handler, PrintStream log) {
        this.listener = listener;
        this.handler = handler;
        this.log = log;
        AtomicInteger count = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "local-api-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Thread acceptor = new Thread(this::accept, "local-api-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code address} (port 0: any free port); a port in use is a {@link java.net.BindException}. */
    static LocalHttpServer start(InetSocketAddress address, Handler handler, PrintStream log) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(address, 64);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new LocalHttpServer(listener, handler, log);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing: nothing to do about it
        }
        open.forEach(LocalHttpServer::closeQuietly);
        connections.shutdownNow();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                connections.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.println("local API: accept failed: " + e.getMessage());
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            boolean keepAlive = true;
            while (keepAlive) {
                keepAlive = exchange(socket, in, out);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the client went away; nothing left to tell it
        } finally {
            open.remove(socket);
        }
    }

    /** Reads one request and answers it; false when the connection is done. */
    private boolean exchange(Socket socket, InputStream in, OutputStream out) throws IOException {
        String requestId = newRequestId();
        HttpHead head = null;
        try {
            head = HttpHead.read(in);
            byte[] body = head.readBody(in, () -> sendContinue(out));
            InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
            IncomingRequest request = new IncomingRequest(head.method(), head.rawPath(), head.rawQuery(),
                    head.headers(), body, remote.getAddress().getHostAddress(), head.version(), socket.getLocalPort());
            HttpReply reply = handler.handle(request, requestId);
            write(out, reply, requestId, head.method().equals("HEAD"), !head.keepAlive());
            return head.keepAlive();
        } catch (HttpHead.Closed e) {
            return false;
        } catch (Refusal refusal) {
            refuse(socket, in, out, refusal, requestId, head);
            return false;
        } catch (SocketTimeoutException e) {
            // a request that stopped halfway gets API Gateway's answer; an idle keep-alive connection just closes
            if (head != null) {
                refuse(socket, in, out, new Refusal(408, "REQUEST_TIMEOUT", "The request was not sent in time."),
                        requestId, head);
            }
            return false;
        }
    }

    private void refuse(Socket socket, InputStream in, OutputStream out, Refusal refusal, String requestId, HttpHead head)
            throws IOException {
        write(out, refusal.reply(), requestId, false, true);
        log.printf("%s %s %d %s%n", head == null ? "-" : head.method(), head == null ? "-" : head.rawPath(),
                refusal.status(), refusal.getMessage());
        // a graceful close: closing with unread bytes would reset the connection and lose the answer on the way
        socket.shutdownOutput();
        socket.setSoTimeout(DRAIN_MILLIS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        byte[] sink = new byte[64 * 1024];
        try {
            while (System.nanoTime() < deadline && in.read(sink) >= 0) {
                // dropped
            }
        } catch (IOException ignored) {
            // the client closed first or stopped sending: done either way
        }
    }

    private static void sendContinue(OutputStream out) {
        try {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(OutputStream out, HttpReply reply, String requestId, boolean head, boolean close)
            throws IOException {
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(' ')
                .append(REASONS.getOrDefault(reply.status(), "Status")).append("\r\n");
        text.append("date: ").append(DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        reply.headers().forEach((name, values) -> {
            if (!Set.of("content-length", "transfer-encoding", "connection", "date").contains(name.toLowerCase(java.util.Locale.ROOT))) {
                for (String value : values) {
                    text.append(name).append(": ").append(value).append("\r\n");
                }
            }
        });
        text.append("apigw-requestid: ").append(requestId).append("\r\n");
        boolean noBody = reply.status() == 204 || reply.status() == 304;
        if (!noBody) {
            text.append("content-length: ").append(reply.body().length).append("\r\n");
        }
        if (close) {
            text.append("connection: close\r\n");
        }
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!noBody && !head) {
            out.write(reply.body());
        }
        out.flush();
    }

    /** API Gateway's request IDs look like this: 16 characters of base64. */
    private static String newRequestId() {
        byte[] bytes = new byte[11];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing to do about it
        }
    }
}
