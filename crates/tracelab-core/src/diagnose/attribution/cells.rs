//! The cells the model is fitted on: sessions grouped by every regressor (slice, day, model,
//! the changed knobs' values, the candidate tag splits), with how each task's sessions spread
//! over them for task-clustered errors.

use super::*;

/// One cell: sessions sharing every regressor.
pub(super) struct Cell {
    pub(super) slice: String,
    pub(super) day: i64,
    pub(super) model: String,
    /// Values of the change dimensions, in `dimensions` order.
    pub(super) values: Vec<String>,
    /// Membership of each candidate tag split.
    pub(super) tags: Vec<bool>,
    pub(super) sessions: f64,
    pub(super) n: f64,
    pub(super) successes: f64,
}

pub(super) async fn candidate_tags(
    engine: &QueryEngine,
    filter: &Filter,
    total: u64,
) -> Result<Vec<String>> {
    let tags = engine.distinct(&Dimension::Tag, filter).await?;
    Ok(tags
        .into_iter()
        .filter(|t| t.value != crate::query::NONE)
        .filter(|t| {
            let share = t.count as f64 / total.max(1) as f64;
            (SUBGROUP_MIN_SHARE..=1.0 - SUBGROUP_MIN_SHARE).contains(&share)
        })
        .take(4)
        .map(|t| t.value)
        .collect())
}

/// What makes a cell: slice, day, model, the change dimensions' values, the tag splits.
pub(super) type CellKey<'a> = (&'a str, i64, &'a str, Vec<&'a str>, Vec<bool>);

/// The cells, and how each task's sessions spread over them (for task-clustered errors).
pub(super) struct Observations {
    pub(super) cells: Vec<Cell>,
    pub(super) parts: Vec<ClusterPart>,
    pub(super) clusters: usize,
}

pub(super) async fn observe(
    engine: &QueryEngine,
    filter: &Filter,
    dimensions: &[Dimension],
    tags: &[String],
) -> Result<Observations> {
    let mut keys: Vec<Expr> = vec![
        col("slice").alias("slice"),
        bucket_expr(Bucket::Day).alias("day"),
        col("model").alias("model"),
    ];
    for (i, d) in dimensions.iter().enumerate() {
        keys.push(group_expr(Some(d))?.alias(format!("d{i}")));
    }
    for (i, t) in tags.iter().enumerate() {
        keys.push(array_has(col("tags"), lit(t.as_str())).alias(format!("t{i}")));
    }
    keys.push(col("task_id").alias("task"));
    let success = cast(success_expr(), DataType::Float64);
    let df = engine
        .filtered_sessions(filter, None)
        .await?
        .filter(col("started_at").is_not_null())
        .and_then(|t| {
            t.aggregate(
                keys,
                vec![
                    count(lit(1)).alias("sessions"),
                    count(success.clone()).alias("n"),
                    sum(success).alias("s"),
                ],
            )
        })
        .map_err(query_error)?;
    let c = Columns::collect(df).await?;
    let text = |name: &str| -> Result<Vec<String>> {
        Ok(c.strings(name)?
            .into_iter()
            .map(|v| v.unwrap_or_else(|| crate::query::NONE.into()))
            .collect())
    };
    let (slices, models) = (text("slice")?, text("model")?);
    let days = c.f64s("day")?;
    let values: Vec<Vec<String>> = (0..dimensions.len())
        .map(|i| text(&format!("d{i}")))
        .collect::<Result<_>>()?;
    let flags: Vec<Vec<bool>> = (0..tags.len())
        .map(|i| c.bools(&format!("t{i}")))
        .collect::<Result<_>>()?;
    let tasks = c.strings("task")?;
    let (sessions, n, s) = (c.f64s("sessions")?, c.f64s("n")?, c.f64s("s")?);
    let mut out = Observations {
        cells: Vec::new(),
        parts: Vec::with_capacity(c.rows()),
        clusters: 0,
    };
    let mut cell_index: HashMap<CellKey, usize> = HashMap::new();
    let mut task_index: HashMap<&str, usize> = HashMap::new();
    for i in 0..c.rows() {
        let day = days[i].unwrap_or(0.0) as i64;
        let key = (
            slices[i].as_str(),
            day,
            models[i].as_str(),
            values.iter().map(|v| v[i].as_str()).collect::<Vec<_>>(),
            flags.iter().map(|f| f[i]).collect::<Vec<_>>(),
        );
        let next = out.cells.len();
        let cell = *cell_index.entry(key).or_insert(next);
        if cell == next {
            out.cells.push(Cell {
                slice: slices[i].clone(),
                day,
                model: models[i].clone(),
                values: values.iter().map(|v| v[i].clone()).collect(),
                tags: flags.iter().map(|f| f[i]).collect(),
                sessions: 0.0,
                n: 0.0,
                successes: 0.0,
            });
        }
        let (ni, si) = (n[i].unwrap_or(0.0), s[i].unwrap_or(0.0));
        let target = &mut out.cells[cell];
        target.sessions += sessions[i].unwrap_or(0.0);
        target.n += ni;
        target.successes += si;
        // Sessions without a task id each form their own cluster; a row of several such
        // sessions counts as one, which overstates their variance a little (conservative).
        let cluster = match &tasks[i] {
            Some(t) => {
                let next = task_index.len() + out.clusters;
                *task_index.entry(t.as_str()).or_insert(next)
            }
            None => {
                out.clusters += 1;
                task_index.len() + out.clusters - 1
            }
        };
        out.parts.push(ClusterPart {
            cluster,
            cell,
            n: ni,
            successes: si,
        });
    }
    out.clusters += task_index.len();
    Ok(out)
}
