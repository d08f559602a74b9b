//! The audit log (UU PDP): who did what to whose data, when and from where. Append-only.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .if_not_exists()
                    .col(big_pk_auto(AuditLog::Id))
                    // No foreign keys: the record outlives what it is about.
                    .col(big_integer_null(AuditLog::VillageId))
                    // official, resident, anonymous, system
                    .col(string_len(AuditLog::ActorKind, 16))
                    .col(big_integer_null(AuditLog::ActorId))
                    .col(string_len_null(AuditLog::ActorName, 100))
                    .col(string_len(AuditLog::Action, 40))
                    .col(string_len_null(AuditLog::SubjectKind, 20))
                    .col(big_integer_null(AuditLog::SubjectId))
                    .col(text_null(AuditLog::Detail))
                    .col(string_len_null(AuditLog::Ip, 64))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_village_time")
                    .table(AuditLog::Table)
                    .col(AuditLog::VillageId)
                    .col(AuditLog::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_subject")
                    .table(AuditLog::Table)
                    .col(AuditLog::SubjectKind)
                    .col(AuditLog::SubjectId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    VillageId,
    ActorKind,
    ActorId,
    ActorName,
    Action,
    SubjectKind,
    SubjectId,
    Detail,
    Ip,
    CreatedAt,
}
