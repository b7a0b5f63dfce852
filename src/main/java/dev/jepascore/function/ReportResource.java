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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

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
@Tag(name = "Report")
public class ReportResource {

    private final ReportRenderer renderer;
    private final String defaultBucket;

    public ReportResource(ReportRenderer renderer, StorageConfig storage) {
        this.renderer = renderer;
        this.defaultBucket = storage.uploadsBucket();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "An HTML page over the result documents of the objects under a bucket and prefix",
            description = "Score histograms with the calibration bands, counts per label and per signal, the most and "
                    + "least typical images as thumbnails, the flagged images by signal, failures by code, the time "
                    + "range; one section per model version. Self-contained: no script, no external resource.")
    @APIResponse(responseCode = "200", description = "The report (also when nothing is scored yet: the page says so)",
            content = @Content(mediaType = MediaType.TEXT_HTML))
    @APIResponse(responseCode = "400", description = "An unsafe bucket or prefix, or top outside 1-50")
    @APIResponse(responseCode = "403", description = "A bucket not in jepa.storage.buckets (bucket_not_allowed), or "
            + "the function's credentials may not list the bucket (access_denied)", content = @Content(
                    mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "bucketNotAllowed", ref = "bucketNotAllowed")))
    @APIResponse(responseCode = "404", description = "No such bucket, or nothing at all under the prefix",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "bucketNotFound", ref = "bucketNotFound")))
    public Response report(
            @Parameter(description = "the bucket; jepa.storage.uploads-bucket when absent") @QueryParam("bucket") String bucket,
            @Parameter(description = "only objects whose key starts with it") @QueryParam("prefix") @DefaultValue("") String prefix,
            @Parameter(description = "thumbnails per ranking, 1 to 50") @QueryParam("top")
            @DefaultValue("" + ReportOptions.DEFAULT_TOP) int top) {
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
