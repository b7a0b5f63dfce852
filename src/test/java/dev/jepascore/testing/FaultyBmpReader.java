package dev.jepascore.testing;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.imageio.IIOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

import java.awt.image.BufferedImage;

/**
 * Injects a failure into ImageIO for the next {@code n} BMP decodes, the way the JDK's own readers fail: a reader
 * registered ahead of the real BMP reader accepts BMP input while armed and throws from {@code read}. BMP because
 * it always goes through ImageIO (PNG and JPEG have decode paths of their own, which share the same mapping of
 * failures in {@code ImageDecoder}). Once its
 * failures are spent it declines every input, so the real reader decodes again. Only for failure injection.
 */
public final class FaultyBmpReader {

    /** What the armed reader throws. */
    public enum Fault {
        /** The JDK readers' answer to an exhausted heap: an {@code IIOException} wrapping the error. */
        OUT_OF_MEMORY(() -> new IIOException("Caught exception during read: ", new OutOfMemoryError("Java heap space"))),
        /** A genuine format error, for contrast. */
        CORRUPT(() -> new IIOException("Error reading PNG image data", new java.util.zip.ZipException("invalid distance")));

        private final Supplier<IOException> failure;

        Fault(Supplier<IOException> failure) {
            this.failure = failure;
        }
    }

    private static final Spi SPI = new Spi();

    private FaultyBmpReader() {
    }

    /** The next {@code count} BMP decodes in this JVM fail with {@code fault}. */
    public static void arm(Fault fault, int count) {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        registry.registerServiceProvider(SPI, ImageReaderSpi.class);
        Iterator<ImageReaderSpi> all = registry.getServiceProviders(ImageReaderSpi.class, true);
        while (all.hasNext()) {
            ImageReaderSpi other = all.next();
            if (other != SPI && java.util.Arrays.asList(other.getFormatNames()).contains("bmp")) {
                registry.setOrdering(ImageReaderSpi.class, SPI, other);
            }
        }
        SPI.fault = fault;
        SPI.remaining.set(count);
    }

    /** Stops injecting and removes the reader. */
    public static void disarm() {
        SPI.remaining.set(0);
        IIORegistry.getDefaultInstance().deregisterServiceProvider(SPI, ImageReaderSpi.class);
    }

    /** How many armed failures are left (0 once all were thrown). */
    public static int remaining() {
        return SPI.remaining.get();
    }

    private static final class Spi extends ImageReaderSpi {
        private static final byte[] SIGNATURE = { 'B', 'M' };
        final AtomicInteger remaining = new AtomicInteger();
        volatile Fault fault = Fault.OUT_OF_MEMORY;

        Spi() {
            super("jepa-score tests", "1", new String[] { "bmp" }, new String[] { "bmp" },
                    new String[] { "image/bmp" }, FaultyBmpReader.class.getName(),
                    new Class<?>[] { ImageInputStream.class }, null, false, null, null, null, null, false, null,
                    null, null, null);
        }

        @Override
        public boolean canDecodeInput(Object source) throws IOException {
            if (remaining.get() <= 0 || !(source instanceof ImageInputStream in)) {
                return false;
            }
            byte[] head = new byte[SIGNATURE.length];
            in.mark();
            try {
                in.readFully(head);
            } catch (IOException e) {
                return false;
            } finally {
                in.reset();
            }
            return java.util.Arrays.equals(head, SIGNATURE);
        }

        @Override
        public ImageReader createReaderInstance(Object extension) {
            return new Reader(this);
        }

        @Override
        public String getDescription(Locale locale) {
            return "BMP reader that fails on purpose (tests)";
        }
    }

    private static final class Reader extends ImageReader {
        Reader(Spi spi) {
            super(spi);
        }

        @Override
        public int getNumImages(boolean allowSearch) {
            return 1;
        }

        @Override
        public int getWidth(int imageIndex) {
            return 28;
        }

        @Override
        public int getHeight(int imageIndex) {
            return 28;
        }

        @Override
        public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
            return java.util.List.of(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_BYTE_GRAY))
                    .iterator();
        }

        @Override
        public IIOMetadata getStreamMetadata() {
            return null;
        }

        @Override
        public IIOMetadata getImageMetadata(int imageIndex) {
            return null;
        }

        @Override
        public BufferedImage read(int imageIndex, ImageReadParam param) throws IOException {
            Spi spi = (Spi) originatingProvider;
            if (spi.remaining.getAndDecrement() <= 0) {
                spi.remaining.set(0);
                throw new IIOException("the faulty test reader was used after it was disarmed");
            }
            throw spi.fault.failure.get();
        }
    }
}
