//! A query result as plain Rust columns: the statistics work on vectors, not Arrow arrays.

use arrow::array::{Array, BooleanArray, Float64Array, RecordBatch, StringArray};
use arrow::datatypes::DataType;
use datafusion::prelude::DataFrame;

use crate::error::{Error, Result};
use crate::query::query_error;

/// The columns of a collected result, by name.
pub(crate) struct Columns {
    batches: Vec<RecordBatch>,
}

fn cast_error(e: arrow::error::ArrowError) -> Error {
    Error::Query {
        message: e.to_string(),
    }
}

impl Columns {
    pub(crate) async fn collect(df: DataFrame) -> Result<Columns> {
        Ok(Columns {
            batches: df.collect().await.map_err(query_error)?,
        })
    }

    pub(crate) fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    fn each(&self, name: &str, to: &DataType) -> Result<Vec<arrow::array::ArrayRef>> {
        self.batches
            .iter()
            .map(|b| {
                let column = b.column_by_name(name).ok_or_else(|| Error::Query {
                    message: format!("internal: result has no column `{name}`"),
                })?;
                arrow::compute::cast(column, to).map_err(cast_error)
            })
            .collect()
    }

    /// A numeric column as `f64`, nulls as `None`.
    pub(crate) fn f64s(&self, name: &str) -> Result<Vec<Option<f64>>> {
        let mut out = Vec::with_capacity(self.rows());
        for a in self.each(name, &DataType::Float64)? {
            let a = a.as_any().downcast_ref::<Float64Array>().expect("cast");
            out.extend(a.iter());
        }
        Ok(out)
    }

    /// A text column, nulls as `None`.
    pub(crate) fn strings(&self, name: &str) -> Result<Vec<Option<String>>> {
        let mut out = Vec::with_capacity(self.rows());
        for a in self.each(name, &DataType::Utf8)? {
            let a = a.as_any().downcast_ref::<StringArray>().expect("cast");
            out.extend(a.iter().map(|v| v.map(str::to_string)));
        }
        Ok(out)
    }

    /// A boolean column, nulls as `false`.
    pub(crate) fn bools(&self, name: &str) -> Result<Vec<bool>> {
        let mut out = Vec::with_capacity(self.rows());
        for a in self.each(name, &DataType::Boolean)? {
            let a = a.as_any().downcast_ref::<BooleanArray>().expect("cast");
            out.extend((0..a.len()).map(|i| a.is_valid(i) && a.value(i)));
        }
        Ok(out)
    }
}
