//! Positions into the pipeline's vectors as newtypes, so that after
//! resolution a deal's position can no more be passed where a stage's is
//! expected than a [`DealId`](crate::ids::DealId) where a
//! [`StageId`](crate::ids::StageId) is (the promise of [`crate::ids`]).
//!
//! Each type indexes its own list (`p.deals[ix]` with a [`DealIx`]) and
//! nothing else; a side table kept in step with a list (one slot per
//! account, say) is an [`IxVec`], indexed by the same position type.
//!
//! A deal's position does not index the people:
//!
//! ```compile_fail
//! use dealbook::ix::DealIx;
//! use dealbook::model::Pipeline;
//! fn owner(p: &Pipeline, ix: DealIx) -> &str {
//!     p.people[ix].name.as_str()
//! }
//! ```
//!
//! while a person's does:
//!
//! ```
//! use dealbook::ix::PersonIx;
//! use dealbook::model::Pipeline;
//! fn name(p: &Pipeline, ix: PersonIx) -> &str {
//!     p.people[ix].name.as_str()
//! }
//! ```

use crate::model::{Account, Deal, Person, Stage, Team};
use std::marker::PhantomData;

/// What every position type offers.
pub trait Ix: Copy {
    /// The position `i`.
    fn new(i: usize) -> Self;
    /// The position as a plain number, for side tables.
    fn get(self) -> usize;
}

/// Each item of `items` with its typed position.
pub fn enumerate<I: Ix, T>(items: &[T]) -> impl DoubleEndedIterator<Item = (I, &T)> + Clone {
    items.iter().enumerate().map(|(i, t)| (I::new(i), t))
}

/// The typed positions `0..n`.
pub fn range<I: Ix>(n: usize) -> impl DoubleEndedIterator<Item = I> + Clone {
    (0..n).map(I::new)
}

/// A side table with one slot per item of a list, indexed by that list's
/// position type (`IxVec<PersonIx, Option<TeamIx>>`: each person's team).
#[derive(Debug, Clone, PartialEq)]
pub struct IxVec<I, T> {
    items: Vec<T>,
    ix: PhantomData<fn(I)>,
}

impl<I: Ix, T> IxVec<I, T> {
    /// `n` slots, each `v`.
    pub fn filled(n: usize, v: T) -> Self
    where
        T: Clone,
    {
        vec![v; n].into_iter().collect()
    }

    /// The slot at `ix`, if the table reaches it.
    pub fn get(&self, ix: I) -> Option<&T> {
        self.items.get(ix.get())
    }

    /// Grows (or shrinks) the table to `n` slots, filling with `f`.
    pub fn resize_with(&mut self, n: usize, f: impl FnMut() -> T) {
        self.items.resize_with(n, f);
    }

    /// How many slots.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no slots.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The slots in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The slots in order, to change.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// The slots with their positions, in order.
    pub fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + Clone {
        enumerate(&self.items)
    }

    /// The slots with their positions, in order, by value.
    pub fn into_iter_enumerated(self) -> impl DoubleEndedIterator<Item = (I, T)> {
        self.items
            .into_iter()
            .enumerate()
            .map(|(i, t)| (I::new(i), t))
    }
}

impl<I, T> Default for IxVec<I, T> {
    fn default() -> Self {
        IxVec {
            items: Vec::new(),
            ix: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for IxVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        IxVec {
            items: iter.into_iter().collect(),
            ix: PhantomData,
        }
    }
}

impl<I: Ix, T> std::ops::Index<I> for IxVec<I, T> {
    type Output = T;
    fn index(&self, ix: I) -> &T {
        &self.items[ix.get()]
    }
}

impl<I: Ix, T> std::ops::IndexMut<I> for IxVec<I, T> {
    fn index_mut(&mut self, ix: I) -> &mut T {
        &mut self.items[ix.get()]
    }
}

macro_rules! ix_type {
    ($(#[$doc:meta] $name:ident => $item:ty;)*) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(usize);

        impl $name {
            /// The position `i`.
            pub const fn new(i: usize) -> Self {
                $name(i)
            }

            /// The position as a plain number, for side tables.
            pub const fn get(self) -> usize {
                self.0
            }
        }

        impl Ix for $name {
            fn new(i: usize) -> Self {
                $name(i)
            }
            fn get(self) -> usize {
                self.0
            }
        }

        impl From<$name> for usize {
            fn from(ix: $name) -> usize {
                ix.0
            }
        }

        impl std::ops::Index<$name> for [$item] {
            type Output = $item;
            fn index(&self, ix: $name) -> &$item {
                &self[ix.0]
            }
        }

        impl std::ops::IndexMut<$name> for [$item] {
            fn index_mut(&mut self, ix: $name) -> &mut $item {
                &mut self[ix.0]
            }
        }

        impl std::ops::Index<$name> for Vec<$item> {
            type Output = $item;
            fn index(&self, ix: $name) -> &$item {
                &self[ix.0]
            }
        }

        impl std::ops::IndexMut<$name> for Vec<$item> {
            fn index_mut(&mut self, ix: $name) -> &mut $item {
                &mut self[ix.0]
            }
        }
    )*};
}

ix_type! {
    /// Position of a deal in [`Pipeline::deals`](crate::model::Pipeline::deals).
    DealIx => Deal;
    /// Position of an account in [`Pipeline::accounts`](crate::model::Pipeline::accounts).
    AccountIx => Account;
    /// Position of a person in [`Pipeline::people`](crate::model::Pipeline::people).
    PersonIx => Person;
    /// Position of a team in [`Pipeline::teams`](crate::model::Pipeline::teams).
    TeamIx => Team;
    /// Position of a stage in the settings' stages.
    StageIx => Stage;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_and_enumerate_in_order() {
        let ix = DealIx::new(7);
        assert_eq!(ix.get(), 7);
        assert_eq!(usize::from(ix), 7);
        assert!(StageIx::new(1) < StageIx::new(2));
        let items = ["a", "b", "c"];
        let got: Vec<(TeamIx, &&str)> = enumerate(&items).collect();
        assert_eq!(got[2], (TeamIx::new(2), &"c"));
        let all: Vec<PersonIx> = range(3).collect();
        assert_eq!(
            all,
            vec![PersonIx::new(0), PersonIx::new(1), PersonIx::new(2)]
        );
        let mut side: IxVec<AccountIx, u32> = IxVec::filled(2, 0);
        side[AccountIx::new(1)] += 5;
        assert_eq!(side.get(AccountIx::new(1)), Some(&5));
        assert_eq!(side.get(AccountIx::new(2)), None);
        let got: Vec<(AccountIx, &u32)> = side.iter_enumerated().collect();
        assert_eq!(got, vec![(AccountIx::new(0), &0), (AccountIx::new(1), &5)]);
    }
}
