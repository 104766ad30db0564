//! [`KeyValue`]: one key and value as [`RequestBuilder::query_pairs`](crate::RequestBuilder::query_pairs),
//! [`form`](crate::RequestBuilder::form) and [`headers`](crate::RequestBuilder::headers) take
//! them: a pair of displayable values, or a reference to one. It does not encode them: the
//! builder does.

use std::fmt::Display;

/// A key and a value that can be written as text: a tuple `(K, V)`, or a reference to one,
/// where `K` and `V` are [`Display`]. So a builder method that takes
/// `impl IntoIterator<Item = impl KeyValue>` accepts `&[("a", "b")]`, `[("page", 2)]`,
/// `vec![(name, value)]`, `&pairs`, and a `HashMap` or `BTreeMap` by value or by reference.
///
/// ```
/// use std::collections::BTreeMap;
/// let agent = plainwire::Agent::new();
/// let filters = BTreeMap::from([("lang", "rust"), ("sort", "stars")]);
/// let request = agent
///     .get("http://localhost/search")
///     .query_pairs(&filters)
///     .query_pairs([("page", 2), ("per_page", 50)])
///     .form(&[("a", "b")]);
/// # drop(request);
/// ```
///
/// The trait is sealed: it is implemented for the tuples above and nothing else.
pub trait KeyValue: sealed::Pair {}

impl<K: Display, V: Display> KeyValue for (K, V) {}
impl<K: Display, V: Display> KeyValue for &(K, V) {}

pub(crate) mod sealed {
    use std::fmt::Display;

    /// Turns a pair into its key and value as text.
    pub trait Pair {
        /// The key and the value, each as its `Display` writes it.
        fn into_strings(self) -> (String, String);
    }

    impl<K: Display, V: Display> Pair for (K, V) {
        fn into_strings(self) -> (String, String) {
            (self.0.to_string(), self.1.to_string())
        }
    }

    impl<K: Display, V: Display> Pair for &(K, V) {
        fn into_strings(self) -> (String, String) {
            (self.0.to_string(), self.1.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sealed::Pair;
    use super::*;

    fn strings<I>(pairs: I) -> Vec<(String, String)>
    where
        I: IntoIterator,
        I::Item: KeyValue,
    {
        pairs.into_iter().map(Pair::into_strings).collect()
    }

    #[test]
    fn slices_arrays_vecs_and_maps_of_displayable_pairs() {
        let expected = vec![("a".to_string(), "1".to_string())];
        assert_eq!(strings(&[("a", "1")]), expected);
        assert_eq!(strings([("a", 1)]), expected);
        assert_eq!(strings(vec![(String::from("a"), 1u8)]), expected);
        let map = std::collections::HashMap::from([("a", 1.0)]);
        assert_eq!(strings(&map), expected);
        assert_eq!(strings(map), expected);
        let slice: &[(&str, &str)] = &[("a", "1")];
        assert_eq!(strings(slice), expected);
    }
}
