package org.grokscope.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's HTTP/1.1 server: one selector thread does every socket read and write without blocking, a few workers
 * build replies, and open event streams cost no thread while they wait.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it reads each request's head on an executor thread with no
 * deadline (the only ones are JVM-wide system properties read once, and absent before JDK 18), and an event stream
 * holds one of those threads for as long as the page is open. So 32 open pages, or 40 clients sending their headers
 * slowly, left nothing to answer anyone else. Here a connection that is slow costs a slot and a buffer until its
 * deadline, never a thread, and the limits below are this server's own.
 *
 * <p>A connection goes HEAD (reading a request head) → WORK (a worker builds the reply; the socket is not read) → SEND
 * (the reply is written as the client takes it) → HEAD again (keep-alive), closed, or STREAM (a reply without end: an
 * event stream, fed by a scheduled poll). Every state change happens on the selector thread; workers and polls hand it
 * their results through {@link #post}.
 */
final class HttpCore implements AutoCloseable {
    /**
     * What the server enforces.
     *
     * @param connections open connections at most (more are answered 503 and closed at once): far above what the pages
     *     of a few people open (a page holds two or three), low enough to stay within a default 1,024-file limit.
     * @param streams open event streams at most (one per open page).
     * @param headMillis a request's head must arrive whole within this time of the connection being ready for it (an
     *     idle keep-alive connection is closed after it too): browsers send a head in one packet.
     * @param headBytes the largest request head (a browser's is under 2 KB; more is answered 431).
     * @param stallMillis a client that takes none of a reply for this long is dropped.
     * @param streamBacklog bytes an event stream may have waiting for a client that does not read before it is dropped.
     * @param workers threads that build replies (a sweep page's snapshot can take a second).
     */
    record Limits(
            int connections,
            int streams,
            long headMillis,
            int headBytes,
            long stallMillis,
            int streamBacklog,
            int workers) {
        static final Limits DEFAULT = new Limits(768, 512, 10_000, 16_384, 30_000, 4 << 20, 4);
    }

    /** A request's head. Header names are lower case. */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }
    }

    /** A reply without end: {@link #next} is called every {@link #periodMillis} and what it returns is sent. */
    interface Stream {
        long periodMillis();

        /** Bytes to send now, or null; an exception ends the stream. */
        byte[] next() throws Exception;
    }

    /** What a handler answers: status, headers, and a body of bytes, an open file, or a stream. */
    static final class Reply {
        final int status;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final byte[] body;
        final FileChannel file;
        final long fileSize;
        final Stream stream;

        private Reply(int status, byte[] body, FileChannel file, long fileSize, Stream stream) {
            this.status = status;
            this.body = body;
            this.file = file;
            this.fileSize = fileSize;
            this.stream = stream;
        }

        static Reply bytes(int status, String type, byte[] body) {
            return new Reply(status, body, null, 0, null).header("Content-Type", type);
        }

        static Reply text(int status, String body) {
            return bytes(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        }

        static Reply file(String type, FileChannel file, long size) {
            return new Reply(200, new byte[0], file, size, null).header("Content-Type", type);
        }

        static Reply stream(String type, byte[] first, Stream s) {
            return new Reply(200, first, null, 0, s).header("Content-Type", type);
        }

        /** Sets a header (replacing one of the same name). */
        Reply header(String name, String value) {
            headers.put(name, new ArrayList<>(List.of(value)));
            return this;
        }

        /** Adds a header line (Set-Cookie may appear twice). */
        Reply add(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }
    }

    interface Handler {
        Reply handle(Request r) throws Exception;
    }

    private enum State {
        HEAD,
        WORK,
        SEND,
        STREAM
    }

    private final Limits limits;
    private final Handler handler;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final ScheduledExecutorService polls;
    private final Queue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final Set<Conn> conns = new HashSet<>();
    private final Thread loop;
    private volatile boolean open = true;
    private int streams;

    HttpCore(InetSocketAddress at, Limits limits, Handler handler) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        try {
            server.bind(at, 256);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw e;
        }
        this.workers = Executors.newFixedThreadPool(limits.workers(), daemon("grokscope-serve"));
        this.polls = Executors.newScheduledThreadPool(2, daemon("grokscope-serve-poll"));
        this.loop = daemon("grokscope-serve-io").newThread(this::run);
        loop.start();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the server socket is closed", e);
        }
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        polls.shutdownNow();
    }

    /** Runs {@code r} on the selector thread. */
    private void post(Runnable r) {
        posted.add(r);
        selector.wakeup();
    }

    // ---- the selector thread ------------------------------------------------------------------------------------

    private void run() {
        long nextSweep = 0;
        try {
            while (open) {
                selector.select(250);
                for (Runnable r; (r = posted.poll()) != null; ) r.run();
                for (SelectionKey k : selector.selectedKeys()) {
                    if (!k.isValid()) continue;
                    if (k.isAcceptable()) accept();
                    else {
                        Conn c = (Conn) k.attachment();
                        if (k.isReadable()) c.readable();
                        if (k.isValid() && k.isWritable()) c.writable();
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    nextSweep = now + 250_000_000L;
                    for (Conn c : List.copyOf(conns)) c.expire(now);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the selector itself failed: nothing can be served any more
        } finally {
            for (Conn c : List.copyOf(conns)) c.close();
            try {
                server.close();
                selector.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    private void accept() throws IOException {
        for (SocketChannel accepted; (accepted = server.accept()) != null; ) {
            SocketChannel ch = accepted;
            ch.configureBlocking(false);
            if (conns.size() >= limits.connections()) {
                try (ch) { // one non-blocking try: a fresh socket's buffer takes these bytes
                    ch.write(ByteBuffer.wrap(
                            ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 5\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    // gone already
                }
                continue;
            }
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            conns.add(c);
        }
    }

    /** One client connection; touched only by the selector thread. */
    private final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        State state = State.HEAD;
        final ByteBuffer in = ByteBuffer.allocate(limits.headBytes());
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        long queued;
        FileChannel file;
        long filePos, fileEnd;
        boolean closeAfter, closed;
        long deadline = System.nanoTime() + limits.headMillis() * 1_000_000L, lastProgress = System.nanoTime();
        Stream stream;
        ScheduledFuture<?> poll;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void readable() {
            try {
                if (state == State.STREAM) { // the page sends nothing; a read of -1 means it is gone
                    ByteBuffer sink = ByteBuffer.allocate(512);
                    if (ch.read(sink) < 0) close();
                    return;
                }
                if (state != State.HEAD) return;
                if (ch.read(in) < 0) {
                    close();
                    return;
                }
                parse();
            } catch (IOException e) {
                close();
            }
        }

        /** A whole head in the buffer becomes a request for a worker; a full buffer without one is refused. */
        void parse() {
            int end = headEnd(in);
            if (end < 0) {
                if (!in.hasRemaining()) refuse(431, "request head too large\n");
                return;
            }
            String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            // keep what follows (a pipelined request) for later
            ByteBuffer rest = in.duplicate().flip().position(end);
            byte[] tail = new byte[rest.remaining()];
            rest.get(tail);
            in.clear().put(tail);
            Request r = request(head);
            if (r == null) {
                refuse(400, "malformed request\n");
                return;
            }
            state = State.WORK;
            key.interestOps(0);
            workers.execute(() -> {
                Reply reply;
                try {
                    reply = handler.handle(r);
                } catch (Exception | StackOverflowError e) {
                    reply = Reply.text(500, "the server could not answer: " + e + "\n");
                }
                Reply done = reply;
                post(() -> respond(r, done));
            });
        }

        Request request(String head) {
            String[] lines = head.split("\r?\n");
            String[] first = lines[0].split(" ", -1);
            if (first.length != 3 || !first[2].startsWith("HTTP/1.") || first[1].isEmpty() || first[1].charAt(0) != '/')
                return null;
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isEmpty()) continue;
                int colon = lines[i].indexOf(':');
                if (colon <= 0 || i > 100) return null;
                headers.computeIfAbsent(
                                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
            String target = first[1];
            int q = target.indexOf('?');
            Request r = new Request(
                    first[0], q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1), headers);
            String conn = String.valueOf(r.header("connection")).toLowerCase(Locale.ROOT);
            // no request body is read: a request that has one ends its connection
            closeAfter = first[2].equals("HTTP/1.0") ? !conn.contains("keep-alive") : conn.contains("close");
            String length = r.header("content-length");
            if (r.header("transfer-encoding") != null || (length != null && !length.equals("0"))) closeAfter = true;
            return r;
        }

        void refuse(int status, String why) {
            closeAfter = true;
            respond(new Request("GET", "/", null, Map.of()), Reply.text(status, why));
        }

        void respond(Request r, Reply reply) {
            if (closed) {
                if (reply.file != null) closeQuietly(reply.file);
                return;
            }
            if (reply.stream != null && streams >= limits.streams()) {
                reply = Reply.text(503, "too many open pages (" + limits.streams() + "): close some and reload\n")
                        .header("Retry-After", "10");
            }
            boolean head = r.method().equals("HEAD");
            StringBuilder h = new StringBuilder("HTTP/1.1 ")
                    .append(reply.status)
                    .append(' ')
                    .append(reason(reply.status))
                    .append("\r\n");
            reply.headers.forEach((k, vs) -> vs.forEach(v ->
                    h.append(k).append(": ").append(v.replaceAll("[\r\n]", " ")).append("\r\n")));
            if (reply.stream != null) {
                closeAfter = true; // the body ends when the connection does
                h.append("Connection: close\r\n");
            } else {
                h.append("Content-Length: ")
                        .append(reply.file != null ? reply.fileSize : reply.body.length)
                        .append("\r\n");
                if (closeAfter) h.append("Connection: close\r\n");
            }
            h.append("\r\n");
            enqueue(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!head) {
                if (reply.body.length > 0) enqueue(reply.body);
                if (reply.file != null) {
                    file = reply.file;
                    filePos = 0;
                    fileEnd = reply.fileSize;
                }
            } else if (reply.file != null) {
                closeQuietly(reply.file);
            }
            if (reply.stream != null && !head) {
                stream = reply.stream;
                streams++;
            }
            state = State.SEND;
            lastProgress = System.nanoTime();
            writable();
        }

        void enqueue(byte[] b) {
            out.add(ByteBuffer.wrap(b));
            queued += b.length;
        }

        void writable() {
            try {
                while (!out.isEmpty()) {
                    ByteBuffer b = out.peek();
                    int n = ch.write(b);
                    queued -= n;
                    if (n > 0) lastProgress = System.nanoTime();
                    if (b.hasRemaining()) break;
                    out.poll();
                }
                if (out.isEmpty() && file != null) {
                    while (filePos < fileEnd) {
                        long n = file.transferTo(filePos, fileEnd - filePos, ch);
                        if (n <= 0) break;
                        filePos += n;
                        lastProgress = System.nanoTime();
                    }
                    if (filePos >= fileEnd) {
                        closeQuietly(file);
                        file = null;
                    }
                }
            } catch (IOException e) {
                close();
                return;
            }
            boolean pending = !out.isEmpty() || file != null;
            if (pending) {
                key.interestOps(SelectionKey.OP_WRITE | (state == State.STREAM ? SelectionKey.OP_READ : 0));
                return;
            }
            if (state == State.STREAM) {
                key.interestOps(SelectionKey.OP_READ);
            } else if (stream != null) {
                startStream();
            } else if (closeAfter) {
                close();
            } else {
                state = State.HEAD; // keep-alive: the next request, which may already be buffered
                deadline = System.nanoTime() + limits.headMillis() * 1_000_000L;
                key.interestOps(SelectionKey.OP_READ);
                if (in.position() > 0) parse();
            }
        }

        void startStream() {
            state = State.STREAM;
            key.interestOps(SelectionKey.OP_READ);
            Stream s = stream;
            poll = polls.scheduleWithFixedDelay(
                    () -> {
                        byte[] b;
                        try {
                            b = s.next();
                        } catch (Exception e) {
                            post(this::close);
                            return;
                        }
                        if (b != null && b.length > 0) post(() -> push(b));
                    },
                    s.periodMillis(),
                    s.periodMillis(),
                    TimeUnit.MILLISECONDS);
        }

        void push(byte[] b) {
            if (closed) return;
            if (queued + b.length > limits.streamBacklog()) { // the page stopped reading
                close();
                return;
            }
            enqueue(b);
            writable();
        }

        void expire(long now) {
            if (state == State.HEAD && now - deadline > 0) close();
            else if ((state == State.SEND || state == State.STREAM)
                    && (!out.isEmpty() || file != null)
                    && now - lastProgress > limits.stallMillis() * 1_000_000L) close();
        }

        void close() {
            if (closed) return;
            closed = true;
            conns.remove(this);
            if (poll != null) poll.cancel(false);
            if (stream != null) streams--;
            if (file != null) closeQuietly(file);
            key.cancel();
            closeQuietly(ch);
        }
    }

    /** The index just past the blank line that ends a head, or -1. */
    static int headEnd(ByteBuffer in) {
        byte[] a = in.array();
        int n = in.position();
        for (int i = 0; i + 1 < n; i++) {
            if (a[i] != '\n') continue;
            if (a[i + 1] == '\n') return i + 2;
            if (a[i + 1] == '\r' && i + 2 < n && a[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
