//! Spans from the program's own `@opentelemetry/api` calls. The engine
//! (engine/src/globals/otel.js) records them when the request's instance is
//! given its handler span's context (`JSW_TRACEPARENT`) and writes each ended
//! span on stderr as one line: [`jsw_wire::names::GUEST_SPAN_LINE`], then the
//! span as JSON. console.rs takes those lines out of the output; here they
//! become spans of the host's provider, exported with its own, under the ids
//! the program gave them (its outbound requests already carried them).

use std::cell::Cell;
use std::time::{Duration, SystemTime};

use opentelemetry::trace::{
    Event, Link, Span as _, SpanBuilder, SpanContext, SpanId, SpanKind, Status,
    TraceContextExt as _, TraceFlags, TraceId, TraceState, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Array, Context, InstrumentationScope, KeyValue, StringValue, Value};
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator, SdkTracerProvider};
use serde_json::Value as Json;

thread_local! {
    /// The ids of the guest span being built on this thread, if one is.
    static GUEST_IDS: Cell<Option<(TraceId, SpanId)>> = const { Cell::new(None) };
}

/// The provider's ids: a guest span's own while it is built, random otherwise.
#[derive(Debug, Default)]
pub(super) struct Ids(RandomIdGenerator);

impl IdGenerator for Ids {
    fn new_trace_id(&self) -> TraceId {
        GUEST_IDS
            .get()
            .map(|(trace, _)| trace)
            .unwrap_or_else(|| self.0.new_trace_id())
    }

    fn new_span_id(&self) -> SpanId {
        GUEST_IDS
            .get()
            .map(|(_, span)| span)
            .unwrap_or_else(|| self.0.new_span_id())
    }
}

/// Exports one span line's JSON; an error says what was wrong with it.
pub fn export(provider: &SdkTracerProvider, json: &[u8]) -> Result<(), String> {
    let v: Json = serde_json::from_slice(json).map_err(|e| format!("not JSON: {e}"))?;
    let text = |key: &str| v.get(key).and_then(Json::as_str);
    let trace_id = text("traceId")
        .and_then(|t| TraceId::from_hex(t).ok())
        .filter(|t| *t != TraceId::INVALID)
        .ok_or("no trace id")?;
    let span_id = text("spanId")
        .and_then(|t| SpanId::from_hex(t).ok())
        .filter(|s| *s != SpanId::INVALID)
        .ok_or("no span id")?;
    let start = time(v.get("start")).ok_or("no start time")?;
    let end = time(v.get("end")).ok_or("no end time")?;
    let kind = match v.get("kind").and_then(Json::as_u64) {
        Some(1) => SpanKind::Server,
        Some(2) => SpanKind::Client,
        Some(3) => SpanKind::Producer,
        Some(4) => SpanKind::Consumer,
        _ => SpanKind::Internal,
    };
    let scope = v.get("scope");
    let scope_text = |key: &str| scope.and_then(|s| s.get(key)).and_then(Json::as_str);
    let mut builder = InstrumentationScope::builder(scope_text("name").unwrap_or("").to_string());
    if let Some(version) = scope_text("version") {
        builder = builder.with_version(version.to_string());
    }
    if let Some(url) = scope_text("schemaUrl") {
        builder = builder.with_schema_url(url.to_string());
    }
    let tracer = provider.tracer_with_scope(builder.build());
    let events = list(&v, "events")
        .iter()
        .filter_map(|e| {
            Some(Event::new(
                e.get("name")?.as_str()?.to_string(),
                time(e.get("time"))?,
                attributes(e.get("attributes")),
                0,
            ))
        })
        .collect();
    let links = list(&v, "links")
        .iter()
        .filter_map(|l| {
            let trace = TraceId::from_hex(l.get("traceId")?.as_str()?).ok()?;
            let span = SpanId::from_hex(l.get("spanId")?.as_str()?).ok()?;
            let context =
                SpanContext::new(trace, span, TraceFlags::SAMPLED, true, TraceState::NONE);
            Some(Link::new(context, attributes(l.get("attributes")), 0))
        })
        .collect();
    let status = v.get("status");
    let status = match status.and_then(|s| s.get("code")).and_then(Json::as_u64) {
        Some(1) => Status::Ok,
        Some(2) => Status::error(
            status
                .and_then(|s| s.get("message"))
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
        ),
        _ => Status::Unset,
    };
    let parent = text("parentSpanId")
        .and_then(|t| SpanId::from_hex(t).ok())
        .filter(|s| *s != SpanId::INVALID);
    let cx = match parent {
        // Not remote: the parent is the handler's span or the program's own,
        // both in this service.
        Some(parent) => Context::new().with_remote_span_context(SpanContext::new(
            trace_id,
            parent,
            TraceFlags::SAMPLED,
            false,
            TraceState::NONE,
        )),
        None => Context::new(),
    };
    let builder = SpanBuilder::from_name(text("name").unwrap_or("").to_string())
        .with_kind(kind)
        .with_start_time(start)
        .with_attributes(attributes(v.get("attributes")))
        .with_events(events)
        .with_links(links);
    GUEST_IDS.set(Some((trace_id, span_id)));
    let mut span = tracer.build_with_context(builder, &cx);
    GUEST_IDS.set(None);
    span.set_status(status);
    span.end_with_timestamp(end);
    Ok(())
}

fn list<'a>(v: &'a Json, key: &str) -> &'a [Json] {
    v.get(key)
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Epoch nanoseconds, as a string (JSON numbers lose them).
fn time(v: Option<&Json>) -> Option<SystemTime> {
    let nanos: u64 = v?.as_str()?.parse().ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos))
}

/// `[[key, value], ...]` with the values OpenTelemetry allows.
fn attributes(v: Option<&Json>) -> Vec<KeyValue> {
    let Some(pairs) = v.and_then(Json::as_array) else {
        return Vec::new();
    };
    pairs
        .iter()
        .filter_map(|pair| {
            let key = pair.get(0)?.as_str()?.to_string();
            Some(KeyValue::new(key, value(pair.get(1)?)?))
        })
        .collect()
}

fn value(v: &Json) -> Option<Value> {
    Some(match v {
        Json::String(s) => Value::String(s.clone().into()),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::I64(i),
            None => Value::F64(n.as_f64()?),
        },
        Json::Array(items) => Value::Array(array(items)?),
        _ => return None,
    })
}

/// A homogeneous array (the engine sends only those; nulls are left out).
fn array(items: &[Json]) -> Option<Array> {
    let items: Vec<&Json> = items.iter().filter(|i| !i.is_null()).collect();
    Some(match items.first() {
        None | Some(Json::String(_)) => Array::String(
            items
                .iter()
                .map(|i| i.as_str().map(|s| StringValue::from(s.to_string())))
                .collect::<Option<_>>()?,
        ),
        Some(Json::Bool(_)) => {
            Array::Bool(items.iter().map(|i| i.as_bool()).collect::<Option<_>>()?)
        }
        Some(Json::Number(_)) if items.iter().all(|i| i.as_i64().is_some()) => {
            Array::I64(items.iter().map(|i| i.as_i64()).collect::<Option<_>>()?)
        }
        Some(Json::Number(_)) => {
            Array::F64(items.iter().map(|i| i.as_f64()).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    /// The engine writes span lines with the marker the host looks for.
    #[test]
    fn the_engine_writes_the_span_line_marker() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/src/globals/otel.js");
        let source = std::fs::read_to_string(path).unwrap();
        let escaped = jsw_wire::names::GUEST_SPAN_LINE.replace('\u{1e}', "\\u001e");
        assert!(
            source.contains(&format!("const SPAN_LINE = \"{escaped}\";")),
            "otel.js must write {escaped:?}"
        );
    }
}
