package dev.jepascore.image;

import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * How much heap decoding and preprocessing one image will hold at its peak, from its header alone (no pixel is
 * allocated to find out), so that work can be admitted against a memory budget before it starts. Each decode path
 * ({@link DecodePath}) has its own formula, matching what that path allocates, beside its decode:
 * <ul>
 * <li>{@link PngRowsPath#rowsCost}: a non-interlaced PNG is inflated row by row: two stored rows, one converted row
 * and the resize buffers, never the raster;</li>
 * <li>{@link #raster}: every other path holds one decoded raster, at the reduced size the decoder chose (JPEG through
 * libjpeg-turbo, WebP through libwebp) or at full resolution ({@link #imageIo}, times the rasters the format's ImageIO
 * reader holds), then feeds it row by row;</li>
 * </ul>
 * both plus {@link #resize}: the {@link RowResizer}'s buffers, its result planes and the model's float tensor.
 * {@link ImageDecoder#estimate} asks the path it will take.
 */
public final class DecodeCost {

    /** Bytes per pixel assumed when the reader cannot name its raw type before decoding (e.g. some JPEGs): RGBA 8-bit. */
    static final int UNKNOWN_BYTES_PER_PIXEL = 4;
    /**
     * Per stored pixel of one row while a raster is fed to the resizer ({@link ImageRows}): the worst of its three
     * row buffers, one {@code int} per band for a grey-alpha raster read with {@code getPixels} (2 x 4 bytes).
     */
    static final int ROW_BUFFER_BYTES_PER_PIXEL = 8;

    private DecodeCost() {
    }

    /** Decode path of everything no {@link DecodePath} takes: ImageIO at full resolution. */
    public static final String IMAGEIO = "imageio";
    /**
     * Nanoseconds per stored pixel admission assumes for ImageIO before a request that took it has finished: not
     * measured, twice the PNG path's ({@link PngRowsPath#PRIOR_NANOS_PER_PIXEL}).
     */
    public static final double IMAGEIO_PRIOR_NANOS_PER_PIXEL = 20.0;
    /** Bytes the decoder refuses from their header, before any pixel: nothing worth admitting. */
    public static final Estimate REFUSED = new Estimate(0, 0, "refused", IMAGEIO_PRIOR_NANOS_PER_PIXEL);

    /**
     * What decoding one image will cost, read from its header on the path the decoder will take.
     *
     * @param bytes  peak heap the decode holds (what admission charges against its memory budget)
     * @param pixels stored pixels the path reads (what its time grows with)
     * @param path   the decode path ({@link DecodePath#name()}, or {@link #IMAGEIO})
     * @param priorNanosPerPixel what admission assumes the path takes per stored pixel before it has measured it
     *                           ({@link DecodePath#priorNanosPerPixel()})
     */
    public record Estimate(long bytes, long pixels, String path, double priorNanosPerPixel) {
    }

    /** The header facts the cost of a full-resolution ImageIO decode depends on. */
    public record Header(long width, long height, int bytesPerPixel) {
    }

    /**
     * Peak bytes when the whole {@code width x height} raster of {@code bytesPerPixel} is held (ImageIO, or a reduced
     * decode at its reduced size) and then fed row by row into the resize.
     */
    public static long raster(long width, long height, int bytesPerPixel, InputSpec spec, boolean transpose) {
        return width * height * bytesPerPixel + width * (ROW_BUFFER_BYTES_PER_PIXEL + spec.channels())
                + resize(width, height, spec, transpose);
    }

    /**
     * The resize from stored {@code width x height} to the model's size ({@link RowResizer}: the stored row being
     * given, as {@code int} planes; first-pass rows, or for a transposed orientation its {@code int} sums and the byte
     * copy {@code finish} makes of them), the result planes and the float tensor the model runs on.
     */
    public static long resize(long width, long height, InputSpec spec, boolean transpose) {
        long c = spec.channels();
        long dstW = spec.width();
        long firstPass = transpose ? (4 * c + 1) * dstW * width : c * height * dstW;
        long planes = (long) Integer.BYTES * c * width;
        return firstPass + planes + c * dstW * spec.height() + (long) Float.BYTES * spec.size();
    }

    /**
     * A full-resolution ImageIO decode of {@code header}'s image holding {@code rasters} rasters at its peak (one, or
     * what the format's {@link DecodePath#imageIoRasters()} says), then resized ({@code transpose}d or upright).
     */
    public static Estimate imageIo(Header header, InputSpec spec, boolean transpose, int rasters) {
        return new Estimate(rasters * raster(header.width(), header.height(), header.bytesPerPixel(), spec, transpose),
                header.width() * header.height(), IMAGEIO, IMAGEIO_PRIOR_NANOS_PER_PIXEL);
    }

    /**
     * The header of encoded bytes as ImageIO reads it, or {@code null} when no reader recognises them or the header
     * cannot be read (the decoder then refuses the bytes and names the problem; refusing costs nothing worth
     * admitting).
     */
    public static Header peek(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Header(reader.getWidth(0), reader.getHeight(0), bytesPerPixel(reader.getRawImageType(0)));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static int bytesPerPixel(ImageTypeSpecifier raw) {
        if (raw == null) {
            return UNKNOWN_BYTES_PER_PIXEL;
        }
        SampleModel model = raw.getSampleModel();
        int elementBytes = Math.max(1, DataBuffer.getDataTypeSize(model.getDataType()) / 8);
        if (model instanceof SinglePixelPackedSampleModel) {
            return elementBytes; // all bands packed into one element (INT_RGB, USHORT_565)
        }
        if (model instanceof MultiPixelPackedSampleModel) {
            return 1; // several pixels per byte (1-, 2-, 4-bit): one byte is an upper bound
        }
        return elementBytes * model.getNumBands();
    }
}
