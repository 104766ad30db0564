//! A value as a JSON request body, through serde_json, refusing NaN and infinity. It does not
//! read JSON: [`Response::json`](crate::Response::json) does.
//!
//! JSON has no NaN and no infinity (RFC 8259 section 6: "Numeric values that cannot be
//! represented ... such as Infinity and NaN are not permitted"), and serde_json writes them as
//! `null`, so a computation gone wrong would reach the server as a missing value. [`Finite`]
//! stands between the value and serde_json's serializer: it passes every call on, and stops at
//! the first float that is not finite. The value is serialised once, so a `Serialize` that
//! drains an iterator or a reader sends what it holds.

use std::cell::Cell;

use serde::ser::{self, Serialize, Serializer};

use crate::error::{Error, ErrorKind, Result};

/// `value` as JSON bytes.
///
/// # Errors
///
/// [`ErrorKind::Json`] if the value holds a NaN or infinite float, or if serde_json cannot
/// serialise it (a map with keys that are not strings, a `Serialize` impl that fails).
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    let not_finite = Cell::new(None);
    let written = value.serialize(Finite {
        inner: &mut serde_json::Serializer::new(&mut out),
        not_finite: &not_finite,
    });
    // Checked first: a `Serialize` impl could swallow the error `Finite` returned.
    if let Some(float) = not_finite.get() {
        return Err(Error::new(
            ErrorKind::Json,
            format!(
                "the request body cannot be sent as JSON: it holds the number {float}, which \
                 JSON cannot represent (serde_json would send null in its place, or fail for \
                 a map key)"
            ),
        ));
    }
    written.map_err(|e| {
        Error::new(
            ErrorKind::Json,
            "could not serialise the request body as JSON",
        )
        .with_source(e)
    })?;
    Ok(out)
}

/// A serializer, or one of its compound parts (a sequence, a map, a struct...), that passes
/// every call on to `inner` and fails at the first float that is NaN or infinite, noting it in
/// `not_finite` so that [`to_json`] can say which.
///
/// serde's provided methods that take many values at once (`collect_seq`, `collect_map`,
/// `serialize_entry`) are left to serde's defaults, which call the ones here for each value;
/// passed on to serde_json's, they would write the values unchecked.
struct Finite<'n, S> {
    inner: S,
    not_finite: &'n Cell<Option<f64>>,
}

/// A value on its way into a compound part: serialised through [`Finite`] in turn.
struct Checked<'a, T: ?Sized> {
    value: &'a T,
    not_finite: &'a Cell<Option<f64>>,
}

impl<T: Serialize + ?Sized> Serialize for Checked<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.value.serialize(Finite {
            inner: serializer,
            not_finite: self.not_finite,
        })
    }
}

/// [`Checked`] for `value`, with the same note of a float that is not finite.
fn checked<'a, T: ?Sized>(value: &'a T, not_finite: &'a Cell<Option<f64>>) -> Checked<'a, T> {
    Checked { value, not_finite }
}

/// `Err` and a note of `float` if it is NaN or infinite.
fn finite<E: ser::Error>(float: f64, not_finite: &Cell<Option<f64>>) -> std::result::Result<(), E> {
    if float.is_finite() {
        Ok(())
    } else {
        not_finite.set(Some(float));
        Err(E::custom(
            "JSON cannot represent a float that is NaN or infinite",
        ))
    }
}

/// Methods that pass a value that holds no float straight on.
macro_rules! pass_on {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $method(self, $($arg: $ty),*) -> std::result::Result<S::Ok, S::Error> {
            self.inner.$method($($arg),*)
        })*
    };
}

impl<'n, S: Serializer> Serializer for Finite<'n, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Finite<'n, S::SerializeSeq>;
    type SerializeTuple = Finite<'n, S::SerializeTuple>;
    type SerializeTupleStruct = Finite<'n, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Finite<'n, S::SerializeTupleVariant>;
    type SerializeMap = Finite<'n, S::SerializeMap>;
    type SerializeStruct = Finite<'n, S::SerializeStruct>;
    type SerializeStructVariant = Finite<'n, S::SerializeStructVariant>;

    fn serialize_f32(self, v: f32) -> std::result::Result<S::Ok, S::Error> {
        finite(f64::from(v), self.not_finite)?;
        self.inner.serialize_f32(v)
    }
    fn serialize_f64(self, v: f64) -> std::result::Result<S::Ok, S::Error> {
        finite(v, self.not_finite)?;
        self.inner.serialize_f64(v)
    }

    pass_on! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_i128(v: i128);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_u128(v: u128);
        serialize_char(v: char);
        serialize_str(v: &str);
        serialize_bytes(v: &[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.inner.serialize_some(&checked(value, self.not_finite))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_struct(name, &checked(value, self.not_finite))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_variant(name, index, variant, &checked(value, self.not_finite))
    }

    fn serialize_seq(
        self,
        len: Option<usize>,
    ) -> std::result::Result<Self::SerializeSeq, S::Error> {
        Ok(Finite {
            inner: self.inner.serialize_seq(len)?,
            not_finite: self.not_finite,
        })
    }
    fn serialize_tuple(self, len: usize) -> std::result::Result<Self::SerializeTuple, S::Error> {
        Ok(Finite {
            inner: self.inner.serialize_tuple(len)?,
            not_finite: self.not_finite,
        })
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Finite {
            inner: self.inner.serialize_tuple_struct(name, len)?,
            not_finite: self.not_finite,
        })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Finite {
            inner: self
                .inner
                .serialize_tuple_variant(name, index, variant, len)?,
            not_finite: self.not_finite,
        })
    }
    fn serialize_map(
        self,
        len: Option<usize>,
    ) -> std::result::Result<Self::SerializeMap, S::Error> {
        Ok(Finite {
            inner: self.inner.serialize_map(len)?,
            not_finite: self.not_finite,
        })
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> std::result::Result<Self::SerializeStruct, S::Error> {
        Ok(Finite {
            inner: self.inner.serialize_struct(name, len)?,
            not_finite: self.not_finite,
        })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, S::Error> {
        Ok(Finite {
            inner: self
                .inner
                .serialize_struct_variant(name, index, variant, len)?,
            not_finite: self.not_finite,
        })
    }

    fn collect_str<T: std::fmt::Display + ?Sized>(
        self,
        value: &T,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.inner.collect_str(value)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The compound parts whose values come one at a time (`$method(value)`), each passed on
/// through [`Checked`]: the same four lines for four serde traits.
macro_rules! pass_on_values {
    ($($part:ident::$method:ident;)*) => {
        $(impl<S: ser::$part> ser::$part for Finite<'_, S> {
            type Ok = S::Ok;
            type Error = S::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> std::result::Result<(), S::Error> {
                self.inner.$method(&checked(value, self.not_finite))
            }
            fn end(self) -> std::result::Result<S::Ok, S::Error> {
                self.inner.end()
            }
        })*
    };
}

/// The compound parts whose values come with a field name: a struct's, a struct variant's.
macro_rules! pass_on_fields {
    ($($part:ident;)*) => {
        $(impl<S: ser::$part> ser::$part for Finite<'_, S> {
            type Ok = S::Ok;
            type Error = S::Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> std::result::Result<(), S::Error> {
                self.inner.serialize_field(key, &checked(value, self.not_finite))
            }
            fn skip_field(&mut self, key: &'static str) -> std::result::Result<(), S::Error> {
                self.inner.skip_field(key)
            }
            fn end(self) -> std::result::Result<S::Ok, S::Error> {
                self.inner.end()
            }
        })*
    };
}

pass_on_values! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
    SerializeTupleVariant::serialize_field;
}

pass_on_fields! {
    SerializeStruct;
    SerializeStructVariant;
}

impl<S: ser::SerializeMap> ser::SerializeMap for Finite<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_key<T: Serialize + ?Sized>(
        &mut self,
        key: &T,
    ) -> std::result::Result<(), S::Error> {
        self.inner.serialize_key(&checked(key, self.not_finite))
    }
    fn serialize_value<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> std::result::Result<(), S::Error> {
        self.inner.serialize_value(&checked(value, self.not_finite))
    }
    fn end(self) -> std::result::Result<S::Ok, S::Error> {
        self.inner.end()
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

    /// A `Serialize` that drains what it holds, as one over an iterator or a reader does: it can
    /// be serialised once. Checked in a first pass and written in a second, it went out as `[]`.
    struct Drained(std::cell::RefCell<Vec<f64>>);

    impl Serialize for Drained {
        fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
            serializer.collect_seq(std::mem::take(&mut *self.0.borrow_mut()))
        }
    }

    #[test]
    fn the_value_is_serialised_once() {
        let drained = Drained(vec![1.5, 2.0].into());
        assert_eq!(to_json(&drained).unwrap(), b"[1.5,2.0]");
        let drained = Drained(vec![1.5, f64::NAN].into());
        let err = to_json(&drained).unwrap_err();
        assert!(err.message().contains("NaN"), "{err}");
    }

    #[test]
    fn a_nan_in_a_map_key_or_a_struct_is_refused() {
        #[derive(serde::Serialize)]
        struct Point {
            x: f64,
            #[serde(skip_serializing_if = "Option::is_none")]
            y: Option<f64>,
        }
        let point = Point { x: 1.0, y: None };
        assert_eq!(to_json(&point).unwrap(), br#"{"x":1.0}"#);
        let point = Point {
            x: 1.0,
            y: Some(f64::INFINITY),
        };
        assert!(to_json(&point).unwrap_err().message().contains("inf"));
        // serde_json refuses a float key that is not finite itself; ours comes first.
        assert!(to_json(&NanKey)
            .unwrap_err()
            .message()
            .contains("cannot represent"));
    }

    /// A map with one key, a NaN.
    struct NanKey;
    impl Serialize for NanKey {
        fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
            serializer.collect_map([(f64::NAN, 1)])
        }
    }

    #[test]
    fn a_map_with_keys_that_are_not_strings_is_serde_jsons_error() {
        let map = BTreeMap::from([((1, 2), "x")]);
        let err = to_json(&map).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Json);
        assert!(std::error::Error::source(&err).is_some());
    }
}
