// Package ent holds Catalyst's records: schema under schema/, generated code beside it.
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/upsert,sql/lock,sql/execquery,privacy,sql/versioned-migration ./schema
