import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Random;

import javax.imageio.ImageIO;

/** Writes the source PNGs make.sh encodes: rgb-WxH.png and rgba-WxH.png (the same picture with a soft alpha). */
public class Sources {
    public static void main(String[] args) throws Exception {
        int[][] sizes = { { 1, 1 }, { 7, 5 }, { 33, 17 }, { 301, 199 } };
        for (int[] s : sizes) {
            int w = s[0];
            int h = s[1];
            Random random = new Random(w * 31L + h);
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            BufferedImage rgba = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = Math.min(255, x * 255 / Math.max(1, w - 1) + random.nextInt(3));
                    int g = Math.min(255, y * 255 / Math.max(1, h - 1) + random.nextInt(3));
                    int b = (x * 3 + y * 5) % 256;
                    rgb.setRGB(x, y, r << 16 | g << 8 | b);
                    int a = Math.min(255, (x + y) * 255 / Math.max(1, w + h - 2));
                    rgba.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
                }
            }
            Graphics2D g = rgb.createGraphics();
            g.setColor(Color.WHITE);
            g.fillOval(w / 4, h / 4, w / 2, h / 2);
            g.dispose();
            ImageIO.write(rgb, "png", new File(args[0], "rgb-" + w + "x" + h + ".png"));
            ImageIO.write(rgba, "png", new File(args[0], "rgba-" + w + "x" + h + ".png"));
        }
    }
}
