//! A value as a JSON request body, through serde_json, refusing NaN and infinity. It does not
//! read JSON: [`Response::json`](crate::Response::json) does.
//!
//! JSON has no NaN and no infinity (RFC 8259 section 6: "Numeric values that cannot be
//! represented ... such as Infinity and NaN are not permitted"), and serde_json writes them as
//! `null`, so a computation gone wrong would reach the server as a missing value. Before
//! serde_json writes the body, [`FiniteCheck`] walks the value through serde's data model and
//! stops at the first float that is not finite.

use serde::ser::{self, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// `value` as JSON bytes.
///
/// # Errors
///
/// [`ErrorKind::Json`] if the value holds a NaN or infinite float, or if serde_json cannot
/// serialise it (a map with keys that are not strings, a `Serialize` impl that fails).
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    if let Err(NotFinite::Float(float)) = value.serialize(FiniteCheck) {
        return Err(Error::new(
            ErrorKind::Json,
            format!(
                "the request body cannot be sent as JSON: it holds the number {float}, which \
                 JSON cannot represent (serde_json would send null in its place)"
            ),
        ));
    }
    serde_json::to_vec(value).map_err(|e| {
        Error::new(
            ErrorKind::Json,
            "could not serialise the request body as JSON",
        )
        .with_source(e)
    })
}

/// A serializer that writes nothing and fails at the first float that is NaN or infinite.
struct FiniteCheck;

/// Why [`FiniteCheck`] stopped.
#[derive(Debug)]
enum NotFinite {
    /// A float that is NaN or infinite, as `f64` (an `f32` widens exactly).
    Float(f64),
    /// The value's own `Serialize` failed; serde_json will report it.
    Other,
}

impl std::fmt::Display for NotFinite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotFinite::Float(float) => write!(f, "{float} is not a JSON number"),
            NotFinite::Other => f.write_str("the value could not be serialised"),
        }
    }
}

impl std::error::Error for NotFinite {}

impl ser::Error for NotFinite {
    fn custom<T: std::fmt::Display>(_message: T) -> NotFinite {
        NotFinite::Other
    }
}

type Checked = std::result::Result<(), NotFinite>;

fn float(value: f64) -> Checked {
    if value.is_finite() {
        Ok(())
    } else {
        Err(NotFinite::Float(value))
    }
}

impl ser::Serializer for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    type SerializeSeq = FiniteCheck;
    type SerializeTuple = FiniteCheck;
    type SerializeTupleStruct = FiniteCheck;
    type SerializeTupleVariant = FiniteCheck;
    type SerializeMap = FiniteCheck;
    type SerializeStruct = FiniteCheck;
    type SerializeStructVariant = FiniteCheck;

    fn serialize_f32(self, v: f32) -> Checked {
        float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Checked {
        float(v)
    }

    fn serialize_bool(self, _: bool) -> Checked {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Checked {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Checked {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Checked {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Checked {
        Ok(())
    }
    fn serialize_i128(self, _: i128) -> Checked {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Checked {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Checked {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Checked {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Checked {
        Ok(())
    }
    fn serialize_u128(self, _: u128) -> Checked {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Checked {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Checked {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Checked {
        Ok(())
    }
    fn serialize_none(self) -> Checked {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Checked {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Checked {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Checked {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Checked {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Checked {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Checked {
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<FiniteCheck, NotFinite> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<FiniteCheck, NotFinite> {
        Ok(self)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<FiniteCheck, NotFinite> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<FiniteCheck, NotFinite> {
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<FiniteCheck, NotFinite> {
        Ok(self)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<FiniteCheck, NotFinite> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<FiniteCheck, NotFinite> {
        Ok(self)
    }
}

impl ser::SerializeSeq for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Checked {
        value.serialize(FiniteCheck)
    }
    fn end(self) -> Checked {
        Ok(())
    }
}

impl ser::SerializeTuple for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Checked {
        value.serialize(FiniteCheck)
    }
    fn end(self) -> Checked {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Checked {
        value.serialize(FiniteCheck)
    }
    fn end(self) -> Checked {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Checked {
        value.serialize(FiniteCheck)
    }
    fn end(self) -> Checked {
        Ok(())
    }
}

impl ser::SerializeMap for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Checked {
        key.serialize(FiniteCheck)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Checked {
        value.serialize(FiniteCheck)
    }
    fn end(self) -> Checked {
        Ok(())
    }
}

impl ser::SerializeStruct for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Checked {
        value.serialize(FiniteCheck)
    }
    fn end(self) -> Checked {
        Ok(())
    }
}

impl ser::SerializeStructVariant for FiniteCheck {
    type Ok = ();
    type Error = NotFinite;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Checked {
        value.serialize(FiniteCheck)
    }
    fn end(self) -> Checked {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn finite_values_are_written_as_serde_json_writes_them() {
        let value = serde_json::json!({"a": [1, 2.5, null, "x"], "b": {"c": true}});
        assert_eq!(
            to_json(&value).unwrap(),
            serde_json::to_vec(&value).unwrap()
        );
        assert_eq!(to_json(&(1.5f32, -0.0f64)).unwrap(), b"[1.5,-0.0]");
    }

    #[test]
    fn nan_and_infinity_are_refused_wherever_they_are() {
        let nested: BTreeMap<&str, Vec<Option<f64>>> =
            BTreeMap::from([("ok", vec![Some(1.0)]), ("bad", vec![None, Some(f64::NAN)])]);
        for err in [
            to_json(&f64::NAN).unwrap_err(),
            to_json(&[0.0, f64::INFINITY]).unwrap_err(),
            to_json(&(1, f32::NEG_INFINITY)).unwrap_err(),
            to_json(&nested).unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::Json);
            assert!(err.message().contains("cannot represent"), "{err}");
        }
        let err = to_json(&f64::NEG_INFINITY).unwrap_err();
        assert!(err.message().contains("-inf"), "{err}");
    }

    #[test]
    fn a_map_with_keys_that_are_not_strings_is_serde_jsons_error() {
        let map = BTreeMap::from([((1, 2), "x")]);
        let err = to_json(&map).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Json);
        assert!(std::error::Error::source(&err).is_some());
    }
}
