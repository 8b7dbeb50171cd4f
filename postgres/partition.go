package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

// weekMS is the width of one partition of events.
const weekMS = 7 * 24 * int64(time.Hour/time.Millisecond)

func partitionName(week int64) string { return "events_w" + strconv.FormatInt(week, 10) }

// ensurePartition creates the partition of events that holds rows received
// at recv (ms), unless this process knows it exists. Several nodes may race
// to create it: losing the race is not an error.
func (db *DB) ensurePartition(ctx context.Context, recv int64) error {
	week := max(0, recv) / weekMS
	if _, ok := db.parts.Load(week); ok {
		return nil
	}
	name := partitionName(week)
	_, err := db.pool.Exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s PARTITION OF events FOR VALUES FROM (%d) TO (%d)`,
		name, week*weekMS, (week+1)*weekMS))
	if err != nil && !isUnique(err) && pgCode(err) != "42P07" { // duplicate_table
		return storageError("create partition "+name, err)
	}
	db.parts.Store(week, true)
	return nil
}

// Partition is one weekly partition of events.
type Partition struct {
	Name     string
	From, To time.Time // received_at range [From, To)
}

// Partitions lists the partitions of events, oldest first.
func (db *DB) Partitions(ctx context.Context) ([]Partition, error) {
	names, err := queryStrings(ctx, db.reader(), `SELECT c.relname FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
		WHERE p.relname = 'events' AND p.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, storageError("list partitions", err)
	}
	var out []Partition
	for _, n := range names {
		w, err := strconv.ParseInt(strings.TrimPrefix(n, "events_w"), 10, 64)
		if err != nil {
			continue // not one of ours
		}
		out = append(out, Partition{Name: n, From: time.UnixMilli(w * weekMS).UTC(), To: time.UnixMilli((w + 1) * weekMS).UTC()})
	}
	sortPartitions(out)
	return out, nil
}

func sortPartitions(p []Partition) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].From.Before(p[j-1].From); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// DropExpiredPartitions drops the partitions of events whose every row
// belongs to an expired session: the partition ends before now minus the
// longest retention of any project, and no session still kept (its last
// batch within its project's retention) had a batch before the partition's
// end. Retention then deletes the expired session rows themselves
// (DeleteSessionsBefore), whose events are gone already, instead of
// deleting millions of event rows one by one. It returns the names
// dropped.
func (db *DB) DropExpiredPartitions(ctx context.Context, now time.Time) ([]string, error) {
	parts, err := db.Partitions(ctx)
	if err != nil {
		return nil, err
	}
	var maxDays int
	if err := db.pool.QueryRow(ctx, `SELECT COALESCE(max(CASE WHEN retention_days > 0 THEN retention_days ELSE $1 END), $1)
		FROM projects`, trailguide.DefaultRetentionDays).Scan(&maxDays); err != nil {
		return nil, storageError("longest retention", err)
	}
	horizon := now.Add(-time.Duration(maxDays) * 24 * time.Hour)
	var dropped []string
	for _, p := range parts {
		if p.To.After(horizon) {
			break
		}
		var kept bool
		err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sessions s JOIN projects p ON p.id = s.project_id
			WHERE s.first_batch_at < $1
			AND s.last_batch_at >= $2 - (CASE WHEN p.retention_days > 0 THEN p.retention_days ELSE $3 END)::bigint * 86400000)`,
			p.To.UnixMilli(), ms(now), trailguide.DefaultRetentionDays).Scan(&kept)
		if err != nil {
			return dropped, storageError("check partition "+p.Name, err)
		}
		if kept {
			break // later partitions hold these sessions' events too
		}
		if _, err := db.pool.Exec(ctx, `DROP TABLE IF EXISTS `+p.Name); err != nil {
			return dropped, storageError("drop partition "+p.Name, err)
		}
		db.parts.Delete(p.To.UnixMilli()/weekMS - 1)
		db.logger.Info("dropped expired partition", "name", p.Name, "to", p.To)
		dropped = append(dropped, p.Name)
	}
	return dropped, nil
}

// EnsurePartition creates the partition of events for rows received at
// recv (ms since the epoch) if it is missing (for tools that insert events
// directly, such as migrate-store).
func (db *DB) EnsurePartition(ctx context.Context, recv int64) error {
	return db.ensurePartition(ctx, recv)
}
