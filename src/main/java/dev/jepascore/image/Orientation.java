package dev.jepascore.image;

/**
 * The eight EXIF orientations (TIFF tag 0x0112): how the stored pixels must be turned for the
 * picture to stand upright, as Pillow's {@code ImageOps.exif_transpose} turns them. Described by
 * where an upright pixel comes from: with {@code transpose}, upright rows are stored columns; the
 * flips reverse the stored x or y axis.
 */
enum Orientation {
    /** 1: stored upright. */
    NORMAL(false, false, false),
    /** 2: mirrored left to right. */
    MIRROR_HORIZONTAL(false, true, false),
    /** 3: turned 180 degrees. */
    ROTATE_180(false, true, true),
    /** 4: mirrored top to bottom. */
    MIRROR_VERTICAL(false, false, true),
    /** 5: transposed (mirrored along the main diagonal). */
    TRANSPOSE(true, false, false),
    /** 6: stored turned 90 degrees anticlockwise; shown turned 90 degrees clockwise. */
    ROTATE_90_CW(true, false, true),
    /** 7: transversed (mirrored along the anti-diagonal). */
    TRANSVERSE(true, true, true),
    /** 8: stored turned 90 degrees clockwise; shown turned 90 degrees anticlockwise. */
    ROTATE_90_CCW(true, true, false);

    final boolean transpose;
    final boolean flipX;
    final boolean flipY;

    Orientation(boolean transpose, boolean flipX, boolean flipY) {
        this.transpose = transpose;
        this.flipX = flipX;
        this.flipY = flipY;
    }

    /** The orientation of EXIF value {@code tag} (1-8); any other value means upright, as Pillow reads it. */
    static Orientation ofExif(int tag) {
        return tag >= 1 && tag <= 8 ? values()[tag - 1] : NORMAL;
    }
}
