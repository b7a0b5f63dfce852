package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import ai.onnxruntime.OrtEnvironment;

/**
 * Every model package the function serves ({@code jepa.model.packages}, else every package under
 * {@code jepa.model.dir}), each under its manifest's id, all opened at start-up (off the main thread, by {@code dev.jepascore.startup.StartupWork}) on one ONNX Runtime
 * environment and thread pool, and the default model ({@code jepa.model.id}). Start-up fails with one line naming
 * the key when the packages or the default do not add up.
 */
@ApplicationScoped
public class ServedModels implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServedModels.class);

    private final ModelConfig config;
    private final Map<String, ModelRuntime> models = new LinkedHashMap<>();
    private String defaultId;

    @Inject
    public ServedModels(ModelConfig config) {
        this.config = config;
    }

    /** Models already open (tests that hand in a runtime of their own); the first of them is the default. */
    public ServedModels(List<ModelRuntime> open) {
        this.config = null;
        for (ModelRuntime model : open) {
            models.put(model.manifest().id(), model);
        }
        defaultId = open.get(0).manifest().id();
    }

    @PostConstruct
    void open() {
        long start = System.nanoTime();
        List<Path> packages = packageDirs(config);
        defaultId = checkIds(config, packages);
        // every package on a loader thread of its own, at once (sessions of different models share nothing but the
        // environment); served in package order
        ModelRuntime[] loaded = new ModelRuntime[packages.size()];
        List<Runnable> loads = new ArrayList<>();
        for (int i = 0; i < packages.size(); i++) {
            int index = i;
            loads.add(() -> {
                ModelRuntime model = new ModelRuntime(config, packages.get(index));
                model.load();
                loaded[index] = model;
            });
        }
        try {
            ModelRuntime.onLoaderThreads(loads);
        } catch (RuntimeException e) {
            for (ModelRuntime model : loaded) {
                if (model != null) {
                    model.close();
                }
            }
            throw e;
        }
        for (ModelRuntime model : loaded) {
            models.put(model.manifest().id(), model);
        }
        LOG.infof("serving %d model(s) %s, default %s, loaded in %d ms", models.size(), models.keySet(), defaultId,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Reads every package's manifest before any session is opened, so a configuration that does not add up fails at
     * once: two packages with one id, or a default id ({@code jepa.model.id}) no package has. Returns the default id.
     */
    static String checkIds(ModelConfig config, List<Path> packages) {
        Map<String, Path> ids = new LinkedHashMap<>();
        for (Path dir : packages) {
            String id = ModelManifest.read(dir).id();
            Path same = ids.put(id, dir);
            if (same != null) {
                throw new ModelException(ErrorCode.MODEL_ID_DUPLICATE, describe(config) + ": " + same + " and " + dir
                        + " both hold model id '" + id + "' (model.json 'id'); each served model needs its own id");
            }
        }
        String id = config.id().map(String::strip).orElse(ids.keySet().iterator().next());
        if (!ids.containsKey(id)) {
            throw new ModelException(ErrorCode.MODEL_UNKNOWN, "jepa.model.id=" + id + " names no served model; the served ids "
                    + "are " + ids.keySet() + " (" + describe(config) + ")");
        }
        return id;
    }

    /**
     * The package directories to serve: {@code jepa.model.packages} under {@code dir} in the order given, else every
     * sub-directory of {@code dir} holding a {@code model.json}, in name order.
     */
    static List<Path> packageDirs(ModelConfig config) {
        Path dir = Path.of(config.dir());
        Optional<List<String>> named = config.packages();
        if (named.isPresent() && !named.get().isEmpty()) {
            List<Path> dirs = new ArrayList<>();
            for (String name : named.get()) {
                Path p = dir.resolve(name.strip());
                if (!Files.isRegularFile(p.resolve("model.json"))) {
                    throw new ModelException(ErrorCode.MODEL_MISSING, "jepa.model.packages names '" + name.strip()
                            + "' but " + p.resolve("model.json").toAbsolutePath() + " does not exist (jepa.model.dir="
                            + config.dir() + ")");
                }
                if (dirs.contains(p)) {
                    throw new ModelException(ErrorCode.MODEL_ID_DUPLICATE, "jepa.model.packages names '" + name.strip()
                            + "' twice");
                }
                dirs.add(p);
            }
            return dirs;
        }
        List<Path> found;
        try (Stream<Path> entries = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            found = entries.filter(p -> Files.isRegularFile(p.resolve("model.json"))).sorted().toList();
        } catch (IOException e) {
            throw new ModelException(ErrorCode.MODEL_MISSING, "jepa.model.dir=" + config.dir() + " cannot be listed: "
                    + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new ModelException(ErrorCode.MODEL_MISSING, "jepa.model.dir=" + config.dir() + " ("
                    + dir.toAbsolutePath() + ") holds no model package (no <name>/model.json); set jepa.model.dir "
                    + "to the directory of your packages, or jepa.model.packages to the ones to serve");
        }
        return found;
    }

    private static String describe(ModelConfig config) {
        return config.packages().filter(p -> !p.isEmpty()).map(p -> "jepa.model.packages=" + String.join(",", p))
                .orElse("jepa.model.dir=" + config.dir() + ", every package in it");
    }

    /** Served ids in load order ({@code jepa.model.packages} order, else name order). */
    public List<String> ids() {
        return List.copyOf(models.keySet());
    }

    /** The model served under {@code id}, or null when none is. */
    public ModelRuntime get(String id) {
        return models.get(id);
    }

    /** The id requests get when they name no model. */
    public String defaultId() {
        return defaultId;
    }

    public ModelRuntime defaultModel() {
        return models.get(defaultId);
    }

    public List<ModelRuntime> all() {
        return List.copyOf(models.values());
    }

    /** True once every served model is open and warmed up, until shutdown. */
    public boolean ready() {
        return !models.isEmpty() && models.values().stream().allMatch(ModelRuntime::ready);
    }

    /** Providers this ONNX Runtime build offers, for health output. */
    public List<String> availableProviders() {
        return OrtEnvironment.getAvailableProviders().stream().map(Enum::name).toList();
    }

    /** Closes every model's graphs (sessions, then their options). */
    @PreDestroy
    @Override
    public void close() {
        for (ModelRuntime model : models.values()) {
            model.close();
        }
    }
}
