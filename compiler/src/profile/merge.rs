//! `jsw serve --cpu-prof`: the profiles of many requests (each request is an
//! instance of its own, which profiles itself) made into one, as if one
//! program had served them all: the call trees merged by call path, every
//! sample kept at its time (requests that ran at once interleave), the
//! per-line ticks added up.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context as _, Result};
use serde_json::{Value as Json, json};

/// One call-tree node of the merged profile.
struct Node {
    call_frame: Json,
    hit_count: u64,
    children: Vec<u64>,
    /// Source line → samples taken on it.
    position_ticks: BTreeMap<u64, u64>,
}

/// The profile so far.
#[derive(Default)]
pub struct Merged {
    /// Node ids are indexes + 1; the first is the root.
    nodes: Vec<Node>,
    /// (parent id, function, url, line, column) → node id.
    index: HashMap<(u64, String, String, i64, i64), u64>,
    /// Script ids by url.
    scripts: HashMap<String, String>,
    /// (time in µs, node id).
    samples: Vec<(i64, u64)>,
    start: Option<i64>,
    end: i64,
    requests: usize,
    /// Requests asked for a profile.
    asked: usize,
    /// Time zero of the merged profile: each request's instance counts its
    /// own time from when it was made, so its times are moved to this one.
    origin: Option<std::time::Instant>,
}

impl Merged {
    pub fn new() -> Merged {
        let mut merged = Merged::default();
        merged.nodes.push(Node {
            call_frame: json!({
                "functionName": "(root)", "scriptId": "0", "url": "",
                "lineNumber": -1, "columnNumber": -1
            }),
            hit_count: 0,
            children: Vec::new(),
            position_ticks: BTreeMap::new(),
        });
        merged
    }

    /// How many requests' profiles it holds.
    pub fn requests(&self) -> usize {
        self.requests
    }

    /// A request was asked for its profile.
    pub fn ask(&mut self) {
        self.asked += 1;
    }

    /// How many requests were asked for their profile.
    pub fn asked(&self) -> usize {
        self.asked
    }

    /// Adds one request's profile (the `.cpuprofile` JSON its instance wrote;
    /// its clock started at `started`).
    pub fn add(&mut self, json: &[u8], started: std::time::Instant) -> Result<()> {
        let origin = *self.origin.get_or_insert(started);
        let shift = match started.checked_duration_since(origin) {
            Some(later) => later.as_micros() as i64,
            None => -(origin.duration_since(started).as_micros() as i64),
        };
        let profile: Json = serde_json::from_slice(json).context("the profile is not JSON")?;
        let nodes = profile["nodes"]
            .as_array()
            .context("the profile has no nodes")?;
        let by_id: HashMap<u64, &Json> = nodes
            .iter()
            .filter_map(|n| Some((n["id"].as_u64()?, n)))
            .collect();
        // The request's node ids → the merged ones, walking down from its root.
        let mut ids: HashMap<u64, u64> = HashMap::new();
        let root = nodes
            .first()
            .and_then(|n| n["id"].as_u64())
            .context("the profile has no root")?;
        ids.insert(root, 1);
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            let node = by_id[&id];
            let merged = ids[&id];
            if id != root {
                let at = (merged - 1) as usize;
                self.nodes[at].hit_count += node["hitCount"].as_u64().unwrap_or(0);
                for tick in node["positionTicks"].as_array().into_iter().flatten() {
                    if let (Some(line), Some(n)) = (tick["line"].as_u64(), tick["ticks"].as_u64()) {
                        *self.nodes[at].position_ticks.entry(line).or_default() += n;
                    }
                }
            }
            for child in node["children"].as_array().into_iter().flatten() {
                let Some(child) = child.as_u64() else {
                    continue;
                };
                let Some(child_node) = by_id.get(&child) else {
                    continue;
                };
                let new = self.child(merged, &child_node["callFrame"]);
                ids.insert(child, new);
                stack.push(child);
            }
        }
        let start = profile["startTime"].as_i64().unwrap_or(0) + shift;
        let mut at = start;
        let samples = profile["samples"].as_array().into_iter().flatten();
        let deltas = profile["timeDeltas"].as_array().into_iter().flatten();
        for (sample, delta) in samples.zip(deltas) {
            at += delta.as_i64().unwrap_or(0);
            if let Some(id) = sample.as_u64().and_then(|s| ids.get(&s)) {
                self.samples.push((at, *id));
            }
        }
        self.start = Some(self.start.map_or(start, |s| s.min(start)));
        let end = profile["endTime"].as_i64().map_or(at, |e| e + shift);
        self.end = self.end.max(end).max(at);
        self.requests += 1;
        Ok(())
    }

    /// The merged child of `parent` for this call frame, made when new.
    fn child(&mut self, parent: u64, frame: &Json) -> u64 {
        let name = frame["functionName"].as_str().unwrap_or("").to_string();
        let url = frame["url"].as_str().unwrap_or("").to_string();
        let line = frame["lineNumber"].as_i64().unwrap_or(-1);
        let column = frame["columnNumber"].as_i64().unwrap_or(-1);
        let key = (parent, name.clone(), url.clone(), line, column);
        if let Some(id) = self.index.get(&key) {
            return *id;
        }
        let count = self.scripts.len();
        let script = self
            .scripts
            .entry(url.clone())
            .or_insert_with(|| (count + 1).to_string())
            .clone();
        let id = self.nodes.len() as u64 + 1;
        self.nodes.push(Node {
            call_frame: json!({
                "functionName": name, "scriptId": script, "url": url,
                "lineNumber": line, "columnNumber": column
            }),
            hit_count: 0,
            children: Vec::new(),
            position_ticks: BTreeMap::new(),
        });
        self.nodes[(parent - 1) as usize].children.push(id);
        self.index.insert(key, id);
        id
    }

    /// The `.cpuprofile` JSON of everything added.
    pub fn to_json(&self) -> Json {
        let mut samples = self.samples.clone();
        samples.sort_by_key(|(at, _)| *at);
        let start = self.start.unwrap_or(0);
        let mut last = start;
        let mut deltas = Vec::with_capacity(samples.len());
        for (at, _) in &samples {
            deltas.push(at - last);
            last = *at;
        }
        let nodes: Vec<Json> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut node = json!({
                    "id": i as u64 + 1,
                    "callFrame": n.call_frame,
                    "hitCount": n.hit_count,
                    "children": n.children,
                });
                if !n.position_ticks.is_empty() {
                    node["positionTicks"] = n
                        .position_ticks
                        .iter()
                        .map(|(line, ticks)| json!({ "line": line, "ticks": ticks }))
                        .collect();
                }
                node
            })
            .collect();
        json!({
            "nodes": nodes,
            "startTime": start,
            "endTime": self.end.max(last),
            "samples": samples.iter().map(|(_, id)| id).collect::<Vec<_>>(),
            "timeDeltas": deltas,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(start: i64, hot: &str, line: u64, times: &[i64]) -> Vec<u8> {
        let mut deltas = Vec::new();
        let mut last = start;
        for t in times {
            deltas.push(t - last);
            last = *t;
        }
        serde_json::to_vec(&json!({
            "nodes": [
                {"id": 1, "callFrame": {"functionName": "(root)", "scriptId": "0", "url": "", "lineNumber": -1, "columnNumber": -1}, "hitCount": 0, "children": [2]},
                {"id": 2, "callFrame": {"functionName": "fetch", "scriptId": "1", "url": "file:///app.ts", "lineNumber": 9, "columnNumber": 2}, "hitCount": 0, "children": [3]},
                {"id": 3, "callFrame": {"functionName": hot, "scriptId": "1", "url": "file:///app.ts", "lineNumber": 0, "columnNumber": 0}, "hitCount": times.len(), "children": [], "positionTicks": [{"line": line, "ticks": times.len()}]},
            ],
            "startTime": start,
            "endTime": last + 5,
            "samples": vec![3; times.len()],
            "timeDeltas": deltas,
        }))
        .unwrap()
    }

    /// Two requests that ran at once: one tree, samples interleaved by time.
    #[test]
    fn requests_merge_by_call_path_and_time() {
        let mut merged = Merged::new();
        let zero = std::time::Instant::now();
        merged
            .add(&profile(100, "fib", 3, &[110, 130, 150]), zero)
            .unwrap();
        merged
            .add(&profile(105, "fib", 3, &[120, 140]), zero)
            .unwrap();
        merged.add(&profile(200, "other", 7, &[210]), zero).unwrap();
        assert_eq!(merged.requests(), 3);
        let out = merged.to_json();
        let nodes = out["nodes"].as_array().unwrap();
        let names: Vec<&str> = nodes
            .iter()
            .map(|n| n["callFrame"]["functionName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["(root)", "fetch", "fib", "other"]);
        assert_eq!(nodes[2]["hitCount"], 5);
        assert_eq!(nodes[2]["positionTicks"], json!([{"line": 3, "ticks": 5}]));
        assert_eq!(nodes[1]["children"], json!([3, 4]));
        assert_eq!(out["startTime"], 100);
        assert_eq!(out["samples"], json!([3, 3, 3, 3, 3, 4]));
        assert_eq!(out["timeDeltas"], json!([10, 10, 10, 10, 10, 60]));
        assert_eq!(out["endTime"], 215);
    }

    /// Requests one after another stay one after another: each instance's
    /// clock starts at zero, and its start moves it into place.
    #[test]
    fn later_requests_come_later() {
        let mut merged = Merged::new();
        let zero = std::time::Instant::now();
        merged.add(&profile(0, "fib", 3, &[10, 20]), zero).unwrap();
        let later = zero + std::time::Duration::from_millis(5);
        merged.add(&profile(0, "other", 7, &[10]), later).unwrap();
        let out = merged.to_json();
        assert_eq!(out["samples"], json!([3, 3, 4]));
        assert_eq!(out["timeDeltas"], json!([10, 10, 4990]));
    }
}
