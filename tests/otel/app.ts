// A handler instrumented with the OpenTelemetry API, as a Node service is:
// an active span around the work, a child span, attributes, an event, an
// exception, context across await and timers, and an outbound fetch inside a
// span (its CLIENT span must be that span's child).
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

const tracer = trace.getTracer("shop", "2.1.0");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function lookup(upstream: string): Promise<string> {
  return tracer.startActiveSpan("lookup", { kind: SpanKind.CLIENT, attributes: { "shop.items": [1, 2, 3] } }, async (span) => {
    await sleep(2);
    const response = await fetch(`http://${upstream}/`);
    span.setAttribute("shop.upstream.status", response.status);
    span.end();
    return response.text();
  });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const upstream = request.headers.get("x-upstream")!;
    return tracer.startActiveSpan("checkout", async (span) => {
      span.setAttributes({ "shop.user": "ada", "shop.total": 12.5, "shop.express": true });
      span.addEvent("cart loaded", { "shop.lines": 2 });
      const text = await lookup(upstream);
      // The active span survives await and timers.
      await sleep(1);
      const active = trace.getActiveSpan() === span;
      try {
        throw new RangeError("coupon expired");
      } catch (e) {
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: "coupon expired" });
      }
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      // Output left without a newline while the span ends.
      process.stderr.write("unfinished|");
      span.end();
      process.stderr.write("|finished\n");
      const ids = `${span.spanContext().traceId} ${span.spanContext().spanId}`;
      return new Response(`${text}|active=${active}|${carrier.traceparent === `00-${ids.replace(" ", "-")}-01`}|${ids}`);
    });
  },
};
