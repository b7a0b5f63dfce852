package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * One ONNX graph open for inference: its session, the options it was created with (ONNX Runtime's Java API
 * requires them to stay open as long as the session; both are closed by {@link #close()}), the names and shapes of
 * its inputs and outputs, and its runs. Created from a file, from graph bytes, or from a session someone else opened
 * (whose options then stay theirs). {@link OrtSession#run} is thread-safe, so one graph serves all requests.
 */
public final class OnnxGraph implements AutoCloseable {

    /** Longest {@link #close()} waits for runs in progress to end. */
    static final long CLOSE_WAIT_SECONDS = 30;

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    /** Runs hold the read side while they use the session, {@link #close()} the write side. */
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    /** Set by {@link #close()}; read under {@link #closing}, or racily only to refuse new runs. */
    private volatile boolean closed;

    private OnnxGraph(String name, OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options) {
        this.name = name;
        this.env = env;
        this.session = session;
        this.options = options;
    }

    /**
     * Opens {@code file} with {@code options}, which the graph then owns (closed with it, or at once when the file
     * cannot be opened).
     */
    public static OnnxGraph open(OrtEnvironment env, Path file, OrtSession.SessionOptions options) throws OrtException {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ModelException(ErrorCode.MODEL_MISSING, "model file not found: " + file.toAbsolutePath());
            }
            return new OnnxGraph(file.toString(), env, env.createSession(file.toString(), options), options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** Opens a graph held in memory ({@code name} says where it came from, for messages); owns {@code options}. */
    public static OnnxGraph open(OrtEnvironment env, byte[] graph, String name, OrtSession.SessionOptions options)
            throws OrtException {
        try {
            return new OnnxGraph(name, env, env.createSession(graph, options), options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** Wraps a session opened elsewhere; closing the graph closes the session, its options stay the opener's. */
    public static OnnxGraph of(OrtEnvironment env, OrtSession session, String name) {
        return new OnnxGraph(name, env, session, null);
    }

    /** Where the graph came from (its file), for messages. */
    public String name() {
        return name;
    }

    public Map<String, NodeInfo> inputs() throws OrtException {
        return session.getInputInfo();
    }

    public Map<String, NodeInfo> outputs() throws OrtException {
        return session.getOutputInfo();
    }

    /** Declared shape of input {@code input}; -1 where the graph leaves an axis dynamic. */
    public long[] inputShape(String input) throws OrtException {
        return ((TensorInfo) session.getInputInfo().get(input).getInfo()).getShape();
    }

    /**
     * Fails with expected vs found when the input or output ({@code role}) named {@code tensor} is absent or its fixed
     * dimensions differ from {@code expected}; -1 means any.
     */
    public void checkTensor(String role, String tensor, long[] expected) throws OrtException {
        checkTensor(name, role, "input".equals(role) ? inputs() : outputs(), tensor, expected);
    }

    static void checkTensor(String file, String role, Map<String, NodeInfo> infos, String name, long[] expected) {
        NodeInfo info = infos.get(name);
        if (info == null) {
            throw new ModelException(ErrorCode.MODEL_MISMATCH, file + ": no " + role + " named '" + name
                    + "' (from model.json); the graph has " + infos.keySet());
        }
        if (!(info.getInfo() instanceof TensorInfo tensor)) {
            throw new ModelException(ErrorCode.MODEL_MISMATCH, file + ": " + role + " '" + name + "' is not a tensor");
        }
        long[] found = tensor.getShape();
        boolean ok = found.length == expected.length;
        for (int i = 0; ok && i < found.length; i++) {
            ok = expected[i] < 0 || found[i] < 0 || found[i] == expected[i];
        }
        if (!ok) {
            throw new ModelException(ErrorCode.MODEL_MISMATCH, file + ": " + role + " '" + name + "' has shape "
                    + Arrays.toString(found) + ", the manifest implies " + Arrays.toString(expected)
                    + " (-1: any)");
        }
    }

    /** A float tensor of {@code shape} holding {@code values}, in native memory; the caller closes it. */
    public OnnxTensor tensor(float[] values, long[] shape) throws OrtException {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.put(values).rewind();
        return OnnxTensor.createTensor(env, buffer, shape);
    }

    /** Runs the graph for the named outputs; the caller closes the result. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputs) throws OrtException {
        Lock running = open();
        try {
            return session.run(inputs, outputs);
        } finally {
            running.unlock();
        }
    }

    /** Runs the graph for every output; the caller closes the result. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        Lock running = open();
        try {
            return session.run(inputs);
        } finally {
            running.unlock();
        }
    }

    /**
     * The read side of {@link #closing}, held while a run uses the native session; fails when the graph is closed.
     */
    private Lock open() {
        Lock running = closing.readLock();
        running.lock();
        if (closed) {
            running.unlock();
            throw new ModelException(ErrorCode.MODEL_CLOSED, name + ": the model was closed (the function is stopping)");
        }
        return running;
    }

    /** One float input of {@code shape} in, the float output {@code output} out, as a flat array. */
    public float[] runFloats(String input, float[] values, long[] shape, String output) throws OrtException {
        try (OnnxTensor tensor = tensor(values, shape);
                OrtSession.Result result = run(Map.of(input, tensor), Set.of(output))) {
            return floats(result, output);
        }
    }

    /** The float output {@code output} of a result as a flat array. */
    public float[] floats(OrtSession.Result result, String output) throws OrtException {
        OnnxValue value = result.get(output).orElseThrow(() -> new ModelException(ErrorCode.MODEL_MISMATCH,
                name + ": the graph returned no output '" + output + "'"));
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    /**
     * Closes the session, then the options it was created with (when the graph owns them), once no run is using
     * them: closing a session under a running inference frees memory the native code is still reading (a start-up
     * that failed on the main thread closed the models while the warm-up ran, and the process died of SIGSEGV before
     * it could say why). A run still going after {@link #CLOSE_WAIT_SECONDS} leaves the session open: the process is
     * stopping, and a leak then is harmless where a crash is not.
     */
    @Override
    public void close() {
        Lock exclusive = closing.writeLock();
        boolean locked;
        try {
            locked = exclusive.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            closed = true; // no new run starts; the one still running keeps the session
            return;
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                // closing only fails for a session already closed
            }
            if (options != null) {
                options.close();
            }
        } finally {
            exclusive.unlock();
        }
    }
}
