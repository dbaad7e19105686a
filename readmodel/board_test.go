package readmodel

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api/idempotency"
	"github.com/caseflow/caseflow/api/ratelimit"
	"github.com/caseflow/caseflow/readmodel/projection"
)

func TestOverdueCounts(t *testing.T) {
	ctx := context.Background()
	s := boardFixture(t)
	tests := []struct {
		at   time.Time
		want Counts
	}{
		{now, Counts{Total: 4, ByTeam: map[string]int{"north": 2, "south": 2}, ByKind: map[string]int{"police-report": 2, "care-plan": 1, "lado": 1}}},
		{now.Add(-150 * time.Minute), Counts{Total: 1, ByTeam: map[string]int{"north": 1}, ByKind: map[string]int{"police-report": 1}}},
		{now.Add(-24 * time.Hour), Counts{Total: 0, ByTeam: map[string]int{}, ByKind: map[string]int{}}},
	}
	for _, tt := range tests {
		got, err := s.OverdueCounts(ctx, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != tt.want.Total || !maps.Equal(got.ByTeam, tt.want.ByTeam) || !maps.Equal(got.ByKind, tt.want.ByKind) {
			t.Errorf("at %v: %+v, want %+v", tt.at, got, tt.want)
		}
	}
}

func TestOverdueSeriesKeepsAWeek(t *testing.T) {
	ctx := context.Background()
	s := boardFixture(t)
	// One sample a day for eight days before now, and one now.
	start := now.Add(-8 * 24 * time.Hour)
	for day := range 9 {
		if err := s.SampleOverdue(ctx, start.Add(time.Duration(day)*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.OverdueSeries(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 8 || !all[0].At.Equal(now.Add(-7*24*time.Hour)) || !all[7].At.Equal(now) {
		t.Fatalf("series %+v, want the last 7 days", all)
	}
	if all[0].Overdue != 0 || all[7].Overdue != 4 {
		t.Errorf("counts in series %+v", all)
	}
	recent, err := s.OverdueSeries(ctx, now.Add(-time.Hour))
	if err != nil || len(recent) != 1 {
		t.Errorf("the last hour: %+v, %v", recent, err)
	}
}

func TestOverdueSeriesOneSampleAMinute(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	sample := func(at time.Time) {
		t.Helper()
		if err := s.SampleOverdue(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	sample(now)
	mustProject(t, s, summary("c1", 1, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue)))
	sample(now.Add(30 * time.Second))
	sample(now.Add(time.Minute))
	all, err := s.OverdueSeries(ctx, time.Time{})
	want := []Sample{{At: now, Overdue: 1}, {At: now.Add(time.Minute), Overdue: 1}}
	if err != nil || len(all) != len(want) || all[0] != want[0] || all[1] != want[1] {
		t.Errorf("series %+v, %v; want %+v", all, err, want)
	}
}

func TestResetAndRebuildMarker(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	idem := idempotency.New(rdb, testIDs)
	limiter := ratelimit.NewLimiter(rdb, testIDs, 60, 1)

	if empty, err := s.IsEmpty(ctx); err != nil || !empty {
		t.Fatalf("a new model: empty %v, %v", empty, err)
	}
	mustProject(t, s, summary("c1", 1, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue)))
	if empty, _ := s.IsEmpty(ctx); !empty {
		t.Error("live projections alone made the model complete")
	}
	if err := s.MarkBuilt(ctx); err != nil {
		t.Fatal(err)
	}
	if empty, _ := s.IsEmpty(ctx); empty {
		t.Error("a rebuilt model reports empty")
	}
	if _, outcome, err := idem.Begin(ctx, "u1", "k1", "fp", time.Hour); err != nil || outcome != idempotency.Started {
		t.Fatalf("Begin: %v, %v", outcome, err)
	}
	if ok, _ := limiter.Allow(ctx, "u1"); !ok {
		t.Fatal("the first request was refused")
	}
	if err := s.SampleOverdue(ctx, now); err != nil {
		t.Fatal(err)
	}

	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if empty, _ := s.IsEmpty(ctx); !empty {
		t.Error("model not empty after Reset")
	}
	for _, line := range dump(t, rdb, false) {
		if len(line) >= len(rmPrefix) && line[:len(rmPrefix)] == rmPrefix {
			t.Errorf("left by Reset: %s", line)
		}
	}
	if _, outcome, _ := idem.Begin(ctx, "u1", "k1", "fp", time.Hour); outcome != idempotency.InProgress {
		t.Errorf("Reset released an idempotency key: %v", outcome)
	}
	if ok, _ := limiter.Allow(ctx, "u1"); ok {
		t.Error("Reset cleared a rate limit")
	}
}
