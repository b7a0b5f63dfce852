package dev.jepascore.function;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import dev.jepascore.report.ReportData;
import dev.jepascore.report.ReportOptions;
import dev.jepascore.report.ReportRenderer;
import dev.jepascore.storage.StorageConfig;

/**
 * {@code GET /v1/report?bucket=B&prefix=P&top=N}: one self-contained HTML page over the result documents of the
 * objects under {@code B/P}. The documents are read before the first byte is sent, so a missing bucket or a refused
 * listing is answered with its status and a JSON error, never a half page.
 */
@Path("/v1/report")
public class ReportResource {

    private final ReportRenderer renderer;
    private final String defaultBucket;

    public ReportResource(ReportRenderer renderer, StorageConfig storage) {
        this.renderer = renderer;
        this.defaultBucket = storage.uploadsBucket();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response report(@QueryParam("bucket") String bucket, @QueryParam("prefix") @DefaultValue("") String prefix,
            @QueryParam("top") @DefaultValue("" + ReportOptions.DEFAULT_TOP) int top) {
        ReportData data = renderer.scan(renderer.store(), bucket == null || bucket.isEmpty() ? defaultBucket : bucket,
                prefix, ReportOptions.defaults().withTop(top));
        StreamingOutput page = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            renderer.render(data, writer);
            writer.flush();
        };
        return Response.ok(page, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy", ReportRenderer.CONTENT_SECURITY_POLICY).build();
    }
}
