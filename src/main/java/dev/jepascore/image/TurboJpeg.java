package dev.jepascore.image;

import dev.jepascore.ErrorCode;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * libjpeg-turbo's TurboJPEG Java API, bound at run time from the operating system's package
 * ({@code libturbojpeg-java}: the jar; {@code libturbojpeg0}: the library with its JNI entry
 * points) so that the function builds and runs without it. Decodes a JPEG directly at a reduced
 * scale in the DCT domain (scaled inverse DCTs: 1/8 of the width costs little more than reading the
 * entropy-coded data), with the accurate integer DCT and smooth chroma upsampling: libjpeg's
 * defaults, which Pillow uses too.
 */
final class TurboJpeg {

    /** TJ.PF_RGB: 3 bytes per pixel, R G B. */
    private static final int PF_RGB = 0;
    /**
     * TJ.PF_GRAY: 1 byte per pixel, the JPEG's own luma. For a colour JPEG libjpeg then skips the chroma
     * components' inverse DCT, upsampling and colour conversion (what Pillow's draft mode asks for).
     */
    private static final int PF_GRAY = 6;
    /**
     * TJ.CS_CMYK and TJ.CS_YCCK: four-component JPEGs (print workflows, Adobe). TurboJPEG refuses to convert them to
     * RGB or luma ("Unsupported color conversion request"), so they take the general path.
     */
    private static final int CS_CMYK = 3;
    private static final int CS_YCCK = 4;
    /** TJ.ERR_WARNING: the data was decoded but the library complained (e.g. ended early). */
    private static final int ERR_WARNING = 0;

    /** Set to "runtime" by a native image in its own process (GraalVM's ImageInfo.PROPERTY_IMAGE_CODE_KEY). */
    private static final String NATIVE_IMAGE_CODE = "org.graalvm.nativeimage.imagecode";

    private static final String LOADER_KEY = "dev.jepascore.image.TurboJpeg.loader|";

    private final MethodHandle open;
    private final MethodHandle width;
    private final MethodHandle height;
    private final MethodHandle colourSpace;
    private final MethodHandle decompress;
    private final MethodHandle close;
    private final MethodHandle errorCode;
    private final Class<?> exceptionType;
    private final int[][] scales;
    private final String description;

    private TurboJpeg(ClassLoader loader, String description) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> tj = Class.forName("org.libjpegturbo.turbojpeg.TJ", true, loader);
        Class<?> dec = Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, loader);
        Class<?> factor = Class.forName("org.libjpegturbo.turbojpeg.TJScalingFactor", true, loader);
        exceptionType = Class.forName("org.libjpegturbo.turbojpeg.TJException", true, loader);
        open = lookup.findConstructor(dec, MethodType.methodType(void.class, byte[].class, int.class));
        width = lookup.findVirtual(dec, "getWidth", MethodType.methodType(int.class));
        height = lookup.findVirtual(dec, "getHeight", MethodType.methodType(int.class));
        colourSpace = lookup.findVirtual(dec, "getColorspace", MethodType.methodType(int.class));
        decompress = lookup.findVirtual(dec, "decompress", MethodType.methodType(void.class, byte[].class, int.class,
                int.class, int.class, int.class, int.class, int.class, int.class));
        close = lookup.findVirtual(dec, "close", MethodType.methodType(void.class));
        errorCode = lookup.findVirtual(exceptionType, "getErrorCode", MethodType.methodType(int.class));
        Object[] factors = (Object[]) tj.getMethod("getScalingFactors").invoke(null);
        List<int[]> list = new ArrayList<>();
        for (Object f : factors) {
            int num = (int) factor.getMethod("getNum").invoke(f);
            int denom = (int) factor.getMethod("getDenom").invoke(f);
            if (num <= denom) {
                list.add(new int[] { num, denom });
            }
        }
        scales = list.toArray(int[][]::new);
        this.description = description;
    }

    /**
     * Loads the bindings from {@code jar}, with the JNI library at {@code library} (Debian's jar
     * asks for {@code libturbojpeg.so}, which only the -dev package links; the class loader
     * answers that request with the runtime library's path).
     *
     * @throws IllegalStateException naming what is missing or failed
     */
    static TurboJpeg load(Path jar, Path library) {
        if ("runtime".equals(System.getProperty(NATIVE_IMAGE_CODE))) {
            throw new IllegalStateException("a native image cannot load the TurboJPEG Java bindings from " + jar
                    + " (classes from a jar at run time)");
        }
        if (!Files.isReadable(jar)) {
            throw new IllegalStateException("no TurboJPEG Java bindings at " + jar);
        }
        if (!Files.isReadable(library)) {
            throw new IllegalStateException("no TurboJPEG library at " + library);
        }
        // A JNI library loads into one class loader per process, and this class may itself be loaded
        // by several (tests, Quarkus dev-mode restarts): the binding's class loader is kept in the
        // system properties, the one map every class loader shares, and reused.
        Properties shared = System.getProperties();
        String key = LOADER_KEY + jar.toAbsolutePath() + "|" + library.toAbsolutePath();
        synchronized (shared) {
            try {
                ClassLoader loader = shared.get(key) instanceof ClassLoader kept ? kept
                        : new NativeLoader(jar.toUri().toURL(), library.toAbsolutePath().toString());
                TurboJpeg bound = new TurboJpeg(loader,
                        "libjpeg-turbo " + library.toRealPath().getFileName() + " via " + jar);
                shared.put(key, loader);
                return bound;
            } catch (ReflectiveOperationException | LinkageError | java.io.IOException e) {
                Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause()
                        : e;
                throw new IllegalStateException("TurboJPEG at " + jar + " could not be loaded: " + cause, cause);
            }
        }
    }

    String description() {
        return description;
    }

    /**
     * A JPEG decoded at a reduced scale: {@code width x height} pixels of {@code channels} bytes each
     * (3: R G B; 1: luma).
     */
    record Scaled(byte[] pixels, int channels, int width, int height, int fullWidth, int fullHeight, int num,
            int denom) {
    }

    /**
     * The JPEG header as TurboJPEG reads it, without decoding: the stored (unscaled) size and whether the library can
     * convert its colour space to RGB and luma (not CMYK or YCCK).
     */
    record Header(int width, int height, boolean convertible) {
    }

    /** The header of {@code jpeg}, without decoding; {@link BadImageException} when TurboJPEG cannot read it. */
    Header header(byte[] jpeg) {
        Object d = openDecompressor(jpeg);
        try {
            int cs = (int) colourSpace.invoke(d);
            return new Header((int) width.invoke(d), (int) height.invoke(d), cs != CS_CMYK && cs != CS_YCCK);
        } catch (Throwable t) {
            throw failure(t);
        } finally {
            closeQuietly(d);
        }
    }

    /**
     * Decodes at the smallest DCT scale (num/8, num = 1..8) whose result is at least
     * {@code minWidth x minHeight}, or at full size when the image is smaller than that, as RGB
     * ({@code channels} 3) or as luma ({@code channels} 1).
     */
    Scaled decode(byte[] jpeg, int minWidth, int minHeight, long maxPixels, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, found " + channels);
        }
        Object d = openDecompressor(jpeg);
        try {
            int w = (int) width.invoke(d);
            int h = (int) height.invoke(d);
            if (w <= 0 || h <= 0) {
                throw BadImageException.truncated("JPEG", new java.io.IOException("header declares " + w + "x" + h));
            }
            ImageIoReader.checkPixels("JPEG", w, h, maxPixels);
            int cs = (int) colourSpace.invoke(d);
            if (cs == CS_CMYK || cs == CS_YCCK) {
                throw new IllegalArgumentException("a " + (cs == CS_CMYK ? "CMYK" : "YCCK")
                        + " JPEG: TurboJPEG converts neither to RGB nor to luma");
            }
            int[] best = scale(w, h, minWidth, minHeight);
            int sw = scaled(w, best);
            int sh = scaled(h, best);
            byte[] pixels = new byte[sw * sh * channels];
            try {
                decompress.invoke(d, pixels, 0, 0, sw, sw * channels, sh, channels == 1 ? PF_GRAY : PF_RGB, 0);
            } catch (Throwable t) {
                if (!exceptionType.isInstance(t) || (int) errorCode.invoke(t) != ERR_WARNING
                        || ImageIoReader.isTruncationWarning(t.getMessage())) {
                    throw failure(t);
                }
                // a harmless warning (e.g. extraneous bytes): the pixels are complete
            }
            return new Scaled(pixels, channels, sw, sh, w, h, best[0], best[1]);
        } catch (BadImageException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw failure(t);
        } finally {
            closeQuietly(d);
        }
    }

    /**
     * The smallest of the library's scaling factors ({num, denom}) that keeps at least {@code minWidth x minHeight}
     * of a {@code w x h} image (1/1 when the image is smaller).
     */
    int[] scale(int w, int h, int minWidth, int minHeight) {
        int[] best = { 1, 1 };
        long bestArea = Long.MAX_VALUE;
        for (int[] s : scales) {
            int sw = scaled(w, s);
            int sh = scaled(h, s);
            boolean enough = sw >= Math.min(minWidth, w) && sh >= Math.min(minHeight, h);
            if (enough && (long) sw * sh < bestArea) {
                bestArea = (long) sw * sh;
                best = s;
            }
        }
        return best;
    }

    /** The {@code {width, height}} {@link #decode} will produce for a {@code w x h} JPEG. */
    int[] scaledSize(int w, int h, int minWidth, int minHeight) {
        int[] s = scale(w, h, minWidth, minHeight);
        return new int[] { scaled(w, s), scaled(h, s) };
    }

    /** TurboJPEG's scaled size: ceil(dim * num / denom). */
    private static int scaled(int dim, int[] s) {
        return (int) (((long) dim * s[0] + s[1] - 1) / s[1]);
    }

    private Object openDecompressor(byte[] jpeg) {
        try {
            return open.invoke(jpeg, jpeg.length);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    private void closeQuietly(Object d) {
        try {
            close.invoke(d);
        } catch (Throwable ignored) {
            // closing frees the native handle; a failure here changes nothing for the result
        }
    }

    private RuntimeException failure(Throwable t) {
        if (t instanceof BadImageException b) {
            return b;
        }
        if (exceptionType.isInstance(t)) {
            return BadImageException.truncated("JPEG", t);
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("TurboJPEG failed: " + t, t);
    }

    /** Loads the jar's classes and answers their {@code System.loadLibrary("turbojpeg")} with {@code library}. */
    private static final class NativeLoader extends URLClassLoader {

        private final String library;

        NativeLoader(URL jar, String library) {
            super(new URL[] { jar }, TurboJpeg.class.getClassLoader());
            this.library = library;
        }

        @Override
        protected String findLibrary(String name) {
            return "turbojpeg".equals(name) ? library : super.findLibrary(name);
        }
    }
}
