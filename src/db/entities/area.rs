use sea_orm::entity::prelude::*;

/// Level of an area inside a village.
pub const DUSUN: i16 = 1;
pub const RW: i16 = 2;
pub const RT: i16 = 3;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_id: i64,
    pub parent_id: Option<i64>,
    pub level: i16,
    pub name: String,
    /// GeoJSON geometry (Polygon or MultiPolygon, WGS84), where the village has drawn it.
    pub boundary: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// An area as people say it, from its dusun down: "Dusun Krajan, RW 002, RT 003". `up` is the
/// area and the areas above it, as (level, name), from the area itself up; `dusun_label` is
/// what the village calls its dusun ("Dusun", "Kampung", ...).
pub fn label<'a>(up: impl IntoIterator<Item = (i16, &'a str)>, dusun_label: &str) -> String {
    let mut parts: Vec<String> = up
        .into_iter()
        .map(|(level, name)| match level {
            DUSUN => format!("{dusun_label} {name}"),
            RW => format!("RW {name}"),
            _ => format!("RT {name}"),
        })
        .collect();
    parts.reverse();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_area_is_said_from_its_dusun_down() {
        let up = [(super::RT, "003"), (super::RW, "002"), (super::DUSUN, "Krajan")];
        assert_eq!(super::label(up, "Kampung"), "Kampung Krajan, RW 002, RT 003");
        assert_eq!(super::label([(super::DUSUN, "Krajan")], "Dusun"), "Dusun Krajan");
        assert_eq!(super::label([], "Dusun"), "");
    }
}
