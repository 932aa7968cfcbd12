//! The three-tap rule: every page must be reachable from the welcome message in at most
//! three taps. Checked on the generated replies themselves (every postback action in every
//! message and quick reply), so the rule holds for what parents really see.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;

/// Most taps from the welcome message to any page.
pub const MAX_TAPS: usize = 3;

/// Taps needed to reach every postback key, given the taps visible before any tap (`start`)
/// and, for each reply, the taps it shows.
pub fn tap_distances(
    start: &[String],
    replies: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, usize> {
    let mut dist = BTreeMap::new();
    let mut queue = VecDeque::new();
    for data in start {
        if !dist.contains_key(data) {
            dist.insert(data.clone(), 1);
            queue.push_back(data.clone());
        }
    }
    while let Some(key) = queue.pop_front() {
        let d = dist[&key];
        for data in replies.get(&key).into_iter().flatten() {
            if !dist.contains_key(data) {
                dist.insert(data.clone(), d + 1);
                queue.push_back(data.clone());
            }
        }
    }
    dist
}

/// Every postback `data` in a JSON value, in document order.
pub fn postbacks(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect(v, &mut out);
    out
}

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            let is_postback = m.get("type").and_then(Value::as_str) == Some("postback");
            if let (true, Some(d)) = (is_postback, m.get("data").and_then(Value::as_str)) {
                out.push(d.to_string());
            }
            m.values().for_each(|x| collect(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}
