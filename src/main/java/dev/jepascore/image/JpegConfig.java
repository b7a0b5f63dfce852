package dev.jepascore.image;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How JPEG images are decoded. */
@ConfigMapping(prefix = "jepa.image.jpeg")
public interface JpegConfig {

    /**
     * {@code auto}: libjpeg-turbo (decodes at the reduced scale the model needs, in the DCT domain)
     * when its Java bindings and library are installed, else ImageIO; {@code turbojpeg}: require
     * it (start-up fails without it); {@code imageio}: always ImageIO (full-resolution decode).
     */
    @WithDefault("auto")
    String decoder();

    /** The TurboJPEG Java bindings (Debian/Ubuntu package {@code libturbojpeg-java}). */
    @WithDefault("/usr/share/java/turbojpeg.jar")
    String turbojpegJar();

    /** The TurboJPEG library with its JNI entry points (Debian/Ubuntu package {@code libturbojpeg0}). */
    @WithDefault("/usr/lib/x86_64-linux-gnu/libturbojpeg.so.0")
    String turbojpegLibrary();
}
