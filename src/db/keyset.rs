//! Keyset pagination: a page continues after (or before) the last row seen, by its sort key,
//! instead of skipping `OFFSET` rows. The database seeks straight to the row in the index the
//! list is sorted by, so page 4,000 of a list costs what page 1 costs.
//!
//! The position travels in the page's address as an opaque cursor (`setelah=` / `sebelum=`,
//! see [`crate::kit::page::PageAt`]): the sort key's values, encoded here on the server. A cursor that
//! does not decode starts the list from the top. The columns a list sorts by must not be null,
//! and the last must make the order total (the id).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ModelTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Select, Value,
};

use crate::kit::page::{PageAt, PageLinks};

const SEP: char = '\u{1f}';

/// One page of `select` in `order`, at `at`, and the links to the pages around it. `total` is
/// the count of the whole list (for "page n of m").
///
/// # Errors
/// Database failures.
pub async fn page<E, C>(
    db: &C,
    select: Select<E>,
    order: &[(E::Column, Order)],
    at: &PageAt,
    per_page: u64,
    total: u64,
) -> Result<(Vec<E::Model>, PageLinks), sea_orm::DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let cols: Vec<Expr> = order.iter().map(|(c, _)| c.into_expr()).collect();
    let dirs: Vec<Order> = order.iter().map(|(_, o)| o.clone()).collect();
    seek(
        |from: Option<Seek>, limit| {
            let mut q = select.clone();
            if let Some(from) = &from {
                q = q.filter(from.condition(&cols, &dirs));
            }
            for (col, dir) in order {
                q = q.order_by(*col, Seek::direction(from.as_ref(), dir));
            }
            async move { q.limit(limit).all(db).await }
        },
        order.len(),
        at,
        per_page,
        total,
        |m: &E::Model| order.iter().map(|(c, _)| m.get(*c)).collect(),
    )
    .await
}

/// Where a page starts: strictly after (or, `backward`, before) the row with these sort values.
#[derive(Debug, Clone, PartialEq)]
pub struct Seek {
    pub values: Vec<Value>,
    pub backward: bool,
}

impl Seek {
    /// The direction to sort `dir` in when fetching from `from`: reversed when going backward
    /// (the rows nearest the cursor first; [`seek`] turns them around).
    pub fn direction(from: Option<&Seek>, dir: &Order) -> Order {
        if from.is_some_and(|f| f.backward) { flip(dir) } else { dir.clone() }
    }

    /// The rows beyond the cursor, for columns `cols` sorted in `dirs`: `c1 ≥ v1 AND (c1 > v1
    /// OR (c1 = v1 AND c2 > v2) OR …)`, the first term letting the database seek in the index.
    pub fn condition(&self, cols: &[Expr], dirs: &[Order]) -> Condition {
        let ascending = |i: usize| matches!(dirs[i], Order::Asc) != self.backward;
        let mut any = Condition::any();
        for i in 0..cols.len() {
            let mut all = Condition::all();
            for j in 0..i {
                all = all.add(cols[j].clone().eq(self.values[j].clone()));
            }
            let e = cols[i].clone();
            all = all.add(if ascending(i) { e.gt(self.values[i].clone()) } else { e.lt(self.values[i].clone()) });
            any = any.add(all);
        }
        let e = cols[0].clone();
        let seek = if ascending(0) { e.gte(self.values[0].clone()) } else { e.lte(self.values[0].clone()) };
        Condition::all().add(seek).add(any)
    }

    /// The same condition as SQL text with `?` placeholders (see `db::sql`), for lists written
    /// in SQL; `cols` are SQL expressions.
    pub fn sql(&self, cols: &[&str], dirs: &[Order]) -> (String, Vec<Value>) {
        let ascending = |i: usize| matches!(dirs[i], Order::Asc) != self.backward;
        let op = |i: usize, strict: bool| match (ascending(i), strict) {
            (true, true) => ">",
            (true, false) => ">=",
            (false, true) => "<",
            (false, false) => "<=",
        };
        let mut values = vec![self.values[0].clone()];
        let mut any = Vec::new();
        for i in 0..cols.len() {
            let mut all = Vec::new();
            for j in 0..i {
                all.push(format!("{} = ?", cols[j]));
                values.push(self.values[j].clone());
            }
            all.push(format!("{} {} ?", cols[i], op(i, true)));
            values.push(self.values[i].clone());
            any.push(format!("({})", all.join(" AND ")));
        }
        (format!("({} {} ? AND ({}))", cols[0], op(0, false), any.join(" OR ")), values)
    }
}

/// The same for any query: `fetch(from, limit)` runs the list from the cursor (sorted with
/// [`Seek::direction`], limited by [`Seek::condition`] or [`Seek::sql`]) and `key` reads a
/// row's sort values (`columns` of them).
///
/// # Errors
/// What `fetch` returns.
pub async fn seek<T, F, Fut>(
    fetch: F,
    columns: usize,
    at: &PageAt,
    per_page: u64,
    total: u64,
    key: impl Fn(&T) -> Vec<Value>,
) -> Result<(Vec<T>, PageLinks), sea_orm::DbErr>
where
    F: FnOnce(Option<Seek>, u64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, sea_orm::DbErr>>,
{
    let pages = Ord::max(total.div_ceil(per_page), 1);
    let from = match decode(&at.after, columns) {
        Some(values) => Some(Seek { values, backward: false }),
        None => decode(&at.before, columns).map(|values| Seek { values, backward: true }),
    };
    let (started, backward) = (from.is_some(), from.as_ref().is_some_and(|f| f.backward));
    // `total` is the caller's count: nothing to fetch on a first page of nothing.
    let mut rows = if total == 0 && !started { Vec::new() } else { fetch(from, per_page + 1).await? };
    let more = rows.len() as u64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
    if backward {
        rows.reverse();
    }
    let mut page = if started { Ord::clamp(at.page, 2, Ord::max(pages, 2)) } else { 1 };
    if backward && !more {
        page = 1;
    }
    let first = rows.first().map(|r| encode(&key(r)));
    let last = rows.last().map(|r| encode(&key(r)));
    let has_prev = if backward { more } else { started };
    let has_next = if backward { true } else { more };
    let links = PageLinks {
        page,
        pages: Ord::max(pages, page),
        prev: first.filter(|_| has_prev).map(|c| PageAt { page: page - 1, after: String::new(), before: c }),
        next: last.filter(|_| has_next).map(|c| PageAt { page: page + 1, after: c, before: String::new() }),
    };
    Ok((rows, links))
}

fn flip(o: &Order) -> Order {
    match o {
        Order::Asc => Order::Desc,
        _ => Order::Asc,
    }
}

/// A row's sort values as a cursor.
pub fn encode(values: &[Value]) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(Some(s)) => format!("s{s}"),
            Value::BigInt(Some(i)) => format!("i{i}"),
            Value::Int(Some(i)) => format!("i{i}"),
            Value::SmallInt(Some(i)) => format!("i{i}"),
            Value::ChronoDate(Some(d)) => format!("d{d}"),
            Value::ChronoDateTimeUtc(Some(t)) => format!("t{}", t.to_rfc3339()),
            Value::Bool(Some(b)) => format!("b{}", u8::from(*b)),
            _ => "n".to_string(),
        })
        .collect();
    URL_SAFE_NO_PAD.encode(parts.join(&SEP.to_string()))
}

/// The values of a cursor made by [`encode`] for `n` columns, or `None`.
pub fn decode(cursor: &str, n: usize) -> Option<Vec<Value>> {
    if cursor.is_empty() || cursor.len() > 2048 {
        return None;
    }
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let values: Option<Vec<Value>> = text
        .split(SEP)
        .map(|part| {
            let (tag, rest) = part.split_at_checked(1)?;
            Some(match tag {
                "s" => Value::from(rest.to_string()),
                "i" => Value::from(rest.parse::<i64>().ok()?),
                "d" => Value::from(rest.parse::<NaiveDate>().ok()?),
                "t" => Value::from(DateTime::parse_from_rfc3339(rest).ok()?.with_timezone(&Utc)),
                "b" => Value::from(rest == "1"),
                _ => return None,
            })
        })
        .collect();
    values.filter(|v| v.len() == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seek_condition_in_sql_follows_the_directions() {
        let from = Seek { values: vec![Value::from(5000i64), Value::from(7i64)], backward: false };
        let (sql, values) = from.sql(&["price", "p.id"], &[Order::Asc, Order::Asc]);
        assert_eq!(sql, "(price >= ? AND ((price > ?) OR (price = ? AND p.id > ?)))");
        assert_eq!(values.len(), 4);
        let back = Seek { backward: true, ..from };
        let (sql, _) = back.sql(&["t", "p.id"], &[Order::Desc, Order::Desc]);
        assert_eq!(sql, "(t >= ? AND ((t > ?) OR (t = ? AND p.id > ?)))");
        assert!(matches!(Seek::direction(Some(&back), &Order::Desc), Order::Asc));
        assert!(matches!(Seek::direction(None, &Order::Desc), Order::Desc));
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let t = DateTime::parse_from_rfc3339("2026-11-29T10:00:00+00:00").unwrap().with_timezone(&Utc);
        let d = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap();
        let values = vec![Value::from("siti aminah".to_string()), Value::from(d), Value::from(t), Value::from(42i64)];
        let c = encode(&values);
        assert!(c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{c}");
        assert_eq!(decode(&c, 4), Some(values));
        assert_eq!(decode(&c, 3), None, "a cursor of another list");
        assert_eq!(decode("not*base64", 1), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("x1"), 1), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("inope"), 1), None);
        assert_eq!(decode("", 1), None);
    }
}
