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
 * of {@link ImageDecoder} has its own formula, matching what that path allocates:
 * <ul>
 * <li>{@link #pngRows}: a non-interlaced PNG is inflated row by row: two stored rows, one converted row and the
 * resize buffers, never the raster;</li>
 * <li>{@link #raster}: every other path holds one decoded raster, at full resolution (ImageIO) or at the reduced
 * size the decoder chose (JPEG through libjpeg-turbo, WebP through libwebp), then feeds it row by row;</li>
 * </ul>
 * both plus {@link #resize}: the {@link RowResizer}'s buffers, its result planes and the model's float tensor.
 * {@link ImageDecoder#estimate} picks the formula of the path it will take. When decoding changes, this is the one
 * place to change.
 */
public final class DecodeCost {

    /** Bytes per pixel assumed when the reader cannot name its raw type before decoding (e.g. some JPEGs): RGBA 8-bit. */
    static final int UNKNOWN_BYTES_PER_PIXEL = 4;
    /**
     * Per stored pixel of one row while a raster is fed to the resizer ({@link ImageRows}): the worst of its three
     * row buffers, one {@code int} per band for a grey-alpha raster read with {@code getPixels} (2 x 4 bytes).
     */
    static final int ROW_BUFFER_BYTES_PER_PIXEL = 8;
    /** libwebp decodes into packed {@code int} ARGB ({@code TYPE_INT_ARGB}). */
    static final int WEBP_BYTES_PER_PIXEL = 4;
    /**
     * Rasters ImageIO's JPEG reader allocates per decoded image: measured twice the image's raster in total
     * ({@code DecodeCostTest}), so a JPEG decoded without libjpeg-turbo is charged two.
     */
    static final int IMAGEIO_JPEG_RASTERS = 2;
    /**
     * libjpeg-turbo decodes into packed bytes of the model's channels: RGB ({@code TJ.PF_RGB}) for a colour model,
     * luma ({@code TJ.PF_GRAY}) for a grey one.
     */
    static int turboJpegBytesPerPixel(InputSpec spec) {
        return spec.channels();
    }

    private DecodeCost() {
    }

    /** Decode path of a non-interlaced PNG read row by row ({@link PngReader}). */
    public static final String PNG_ROWS = "png rows";
    /** Decode path of a JPEG through libjpeg-turbo, reduced by DCT scaling ({@link TurboJpeg}). */
    public static final String TURBOJPEG = "jpeg turbojpeg";
    /** Decode path of a WebP through libwebp, reduced while decoding ({@link WebpNative}). */
    public static final String LIBWEBP = "webp libwebp";
    /** Decode path of everything else: ImageIO at full resolution. */
    public static final String IMAGEIO = "imageio";
    /** Bytes the decoder refuses from their header, before any pixel: nothing worth admitting. */
    public static final Estimate REFUSED = new Estimate(0, 0, "refused");

    /**
     * What decoding one image will cost, read from its header on the path the decoder will take.
     *
     * @param bytes  peak heap the decode holds (what admission charges against its memory budget)
     * @param pixels stored pixels the path reads (what its time grows with)
     * @param path   the decode path ({@link #PNG_ROWS}, {@link #TURBOJPEG}, {@link #LIBWEBP}, {@link #IMAGEIO})
     */
    public record Estimate(long bytes, long pixels, String path) {
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
     * Peak bytes of the row-by-row PNG path: two stored rows of {@code rowBytes} (plus filter byte); each is converted
     * straight into the resizer's row.
     */
    public static long pngRows(long width, long height, long rowBytes, InputSpec spec, boolean transpose) {
        return 2 * (rowBytes + 1) + resize(width, height, spec, transpose);
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

    /** Peak bytes of decoding {@code header}'s image at full resolution with ImageIO, upright. */
    public static long bytes(Header header, InputSpec spec) {
        return raster(header.width(), header.height(), header.bytesPerPixel(), spec, false);
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
