package dev.jepascore.model;

import java.nio.file.Path;

/** Opens the bundled model in a fresh JVM and prints its provider: the subject of a start-up test. */
public final class LoadModelMain {

    private LoadModelMain() {
    }

    public static void main(String[] args) {
        try (ModelRuntime runtime = ModelRuntime.open(ModelRuntimeTest.config(Path.of("models"), "fmnist-lejepa",
                ModelConfig.Provider.AUTO))) {
            System.out.println("loaded on " + runtime.provider());
        }
    }
}
