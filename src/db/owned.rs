//! Rows that belong to one village: found only together with it. An id of another village's
//! row is "not found" — the tenancy rule every service keeps (ARCHITECTURE.md, "Village scope").

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter};

use crate::error::{AppError, AppResult};

/// An entity whose rows each belong to one village, by its `village_id` column.
pub trait VillageOwned: EntityTrait {
    /// The `village_id` column.
    const VILLAGE: Self::Column;
}

/// The row `id` of the village `village_id`.
///
/// # Errors
/// `NotFound` when there is none (or it is another village's); database failures.
pub async fn find_in<E, C>(db: &C, village_id: i64, id: i64) -> AppResult<E::Model>
where
    E: VillageOwned,
    C: ConnectionTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id).filter(E::VILLAGE.eq(village_id)).one(db).await?.ok_or(AppError::NotFound)
}

macro_rules! village_owned {
    ($($entity:ident),* $(,)?) => {
        $(impl VillageOwned for super::entities::$entity::Entity {
            const VILLAGE: Self::Column = super::entities::$entity::Column::VillageId;
        })*
    };
}

village_owned!(
    album,
    album_photo,
    announcement,
    area,
    article,
    budget_line,
    complaint,
    complaint_file,
    complaint_message,
    correction_request,
    event,
    family,
    letter_event,
    letter_file,
    letter_request,
    letter_type,
    map_feature,
    official,
    population_event,
    product,
    product_photo,
    resident,
    resident_history,
    resident_move,
    shop,
    village_person,
);
