//! `date_trunc` on UTC timestamps by integer arithmetic.
//!
//! Every timestamp in an archive is UTC (`Timestamp(µs, "UTC")`). DataFusion's `date_trunc`
//! takes its exact path only for timestamps without a time zone: for a UTC one it converts
//! each value through chrono and the tz database, which was half of `SELECT ...
//! date_trunc('day', started_at) ... GROUP BY` on a million sessions. In UTC a day, an hour
//! and a week have fixed lengths, so truncating is flooring to a multiple. This function is
//! registered under DataFusion's name and answers those cases itself; every other case (other
//! zones, months, quarters, years, times of day, scalars) goes to DataFusion's own function,
//! so results are the same by construction and a test checks the fast path against it.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, PrimitiveArray};
use arrow::datatypes::{
    ArrowTimestampType, DataType, FieldRef, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use datafusion::common::{Result, ScalarValue};
use datafusion::functions::datetime::date_trunc::DateTruncFunc;
use datafusion::logical_expr::sort_properties::{ExprProperties, SortProperties};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature,
};

/// Weeks start on Mondays: the first one after the epoch (a Thursday) is 1970-01-05.
const FIRST_MONDAY_SECONDS: i64 = 4 * 86_400;

/// DataFusion's `date_trunc`, with UTC timestamps truncated by arithmetic.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct UtcDateTrunc {
    inner: DateTruncFunc,
}

/// The function, to register on a context in place of DataFusion's own.
pub(crate) fn udf() -> ScalarUDF {
    ScalarUDF::new_from_impl(UtcDateTrunc::default())
}

impl ScalarUDFImpl for UtcDateTrunc {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if let Some(truncated) = truncate_utc(&args.args) {
            return Ok(ColumnarValue::Array(truncated));
        }
        self.inner.invoke_with_args(args)
    }

    fn output_ordering(&self, input: &[ExprProperties]) -> Result<SortProperties> {
        self.inner.output_ordering(input)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }
}

/// The truncated array when the arguments are a fixed-length granularity and an array of UTC
/// timestamps whose results all fit; `None` leaves the call to DataFusion.
fn truncate_utc(args: &[ColumnarValue]) -> Option<ArrayRef> {
    let [ColumnarValue::Scalar(granularity), ColumnarValue::Array(array)] = args else {
        return None;
    };
    let granularity = match granularity {
        ScalarValue::Utf8(Some(g))
        | ScalarValue::Utf8View(Some(g))
        | ScalarValue::LargeUtf8(Some(g)) => g,
        _ => return None,
    };
    let DataType::Timestamp(unit, Some(zone)) = array.data_type() else {
        return None;
    };
    if !is_utc(zone) {
        return None;
    }
    let (step_seconds, origin_seconds) = match granularity.to_lowercase().as_str() {
        "second" => (1, 0),
        "minute" => (60, 0),
        "hour" => (3_600, 0),
        "day" => (86_400, 0),
        "week" => (7 * 86_400, FIRST_MONDAY_SECONDS),
        _ => return None,
    };
    match unit {
        TimeUnit::Second => floor::<TimestampSecondType>(array, step_seconds, origin_seconds),
        TimeUnit::Millisecond => {
            floor::<TimestampMillisecondType>(array, step_seconds, origin_seconds)
        }
        TimeUnit::Microsecond => {
            floor::<TimestampMicrosecondType>(array, step_seconds, origin_seconds)
        }
        TimeUnit::Nanosecond => {
            floor::<TimestampNanosecondType>(array, step_seconds, origin_seconds)
        }
    }
}

/// The names of UTC in Arrow metadata that the test checks against DataFusion; any other
/// spelling takes DataFusion's path.
fn is_utc(zone: &str) -> bool {
    matches!(zone, "UTC" | "+00:00" | "Etc/UTC")
}

/// Each value floored to `origin + k * step` (in seconds, scaled to the array's unit).
fn floor<T: ArrowTimestampType>(
    array: &ArrayRef,
    step_seconds: i64,
    origin_seconds: i64,
) -> Option<ArrayRef> {
    let per_second = match T::UNIT {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let step = step_seconds * per_second;
    let origin = origin_seconds * per_second;
    let values = array.as_any().downcast_ref::<PrimitiveArray<T>>()?;
    let truncated: PrimitiveArray<T> = values
        .try_unary::<_, T, ()>(|v: i64| {
            let shifted = v.checked_sub(origin).ok_or(())?;
            shifted
                .div_euclid(step)
                .checked_mul(step)
                .and_then(|floored| floored.checked_add(origin))
                .ok_or(())
        })
        .ok()?;
    Some(Arc::new(truncated.with_timezone_opt(values.timezone())))
}

#[cfg(test)]
mod tests {
    use arrow::array::{RecordBatch, TimestampMicrosecondArray};
    use arrow::datatypes::{Field, Schema};
    use datafusion::prelude::SessionContext;

    use super::*;

    /// Instants around the edges: before 1970, on a Monday midnight, a leap day, nulls.
    const MICROS: [Option<i64>; 9] = [
        Some(0),
        Some(-1),
        Some(-86_400_000_001),
        Some(345_600_000_000),       // 1970-01-05, a Monday
        Some(1_709_164_799_999_999), // 2024-02-28T23:59:59.999999
        Some(1_709_251_200_000_000), // 2024-03-01
        Some(1_795_759_283_757_123),
        None,
        Some(-2_208_988_800_000_001), // just before 1900
    ];

    async fn truncated(ctx: &SessionContext, sql: &str) -> Vec<String> {
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        let mut out = Vec::new();
        for batch in batches {
            for row in 0..batch.num_rows() {
                out.push(
                    arrow::util::display::array_value_to_string(batch.column(0), row).unwrap(),
                );
            }
        }
        out
    }

    fn context(zone: &str, ours: bool) -> SessionContext {
        let ctx = SessionContext::new();
        if ours {
            ctx.register_udf(udf());
        }
        let values = TimestampMicrosecondArray::from(MICROS.to_vec()).with_timezone(zone);
        let schema = Schema::new(vec![Field::new("t", values.data_type().clone(), true)]);
        let batch = RecordBatch::try_new(Arc::new(schema), vec![Arc::new(values)]).unwrap();
        ctx.register_batch("times", batch).unwrap();
        ctx
    }

    #[tokio::test]
    async fn utc_timestamps_truncate_as_datafusion_truncates_them() {
        for zone in ["UTC", "+00:00", "Etc/UTC", "Europe/Paris"] {
            let (theirs, ours) = (context(zone, false), context(zone, true));
            for granularity in ["second", "minute", "hour", "day", "week", "month", "year"] {
                for cast in [
                    "t",
                    "arrow_cast(t, 'Timestamp(Second, Some(\"UTC\"))')",
                    "arrow_cast(t, 'Timestamp(Millisecond, Some(\"UTC\"))')",
                    "arrow_cast(t, 'Timestamp(Nanosecond, Some(\"UTC\"))')",
                ] {
                    if cast.contains("Nanosecond") && zone != "UTC" {
                        continue;
                    }
                    let sql = format!("SELECT date_trunc('{granularity}', {cast}) FROM times");
                    let sql = if cast.contains("Nanosecond") {
                        // Nanoseconds reach back to 1677 only.
                        format!("{sql} WHERE t > '1700-01-01T00:00:00Z'")
                    } else {
                        sql
                    };
                    assert_eq!(
                        truncated(&ours, &sql).await,
                        truncated(&theirs, &sql).await,
                        "{sql} in {zone}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_fixed_lengths_take_the_arithmetic_and_the_rest_do_not() {
        let utc: ArrayRef =
            Arc::new(TimestampMicrosecondArray::from(MICROS.to_vec()).with_timezone("UTC"));
        let paris: ArrayRef = Arc::new(
            TimestampMicrosecondArray::from(MICROS.to_vec()).with_timezone("Europe/Paris"),
        );
        let call = |g: &str, array: &ArrayRef| {
            truncate_utc(&[
                ColumnarValue::Scalar(ScalarValue::Utf8(Some(g.into()))),
                ColumnarValue::Array(array.clone()),
            ])
        };
        for g in ["second", "MINUTE", "hour", "day", "week"] {
            assert!(call(g, &utc).is_some(), "{g}");
            assert!(call(g, &paris).is_none(), "{g} in Paris");
        }
        for g in ["month", "quarter", "year", "fortnight"] {
            assert!(call(g, &utc).is_none(), "{g}");
        }
    }
}
