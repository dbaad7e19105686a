package readmodel

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// seedKinds are the rule ids synthetic actions use.
var seedKinds = []string{"police-report", "nrm-request", "nrm-rg-decision", "care-plan", "icpc", "csc-decision", "ictg-referral", "return-interview"}

// Seed projects n synthetic cases, each with three open actions due between 30 days ago and 30
// days ahead of now, across 20 teams: a read model the size of a large agency's, for
// benchmarks. The same n and now give the same model.
func Seed(ctx context.Context, s *Store, n int, now time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	batch := make([]CaseSummary, 0, 1000)
	for i := range n {
		id := fmt.Sprintf("seed%020d", i)
		team := fmt.Sprintf("team-%02d", rng.IntN(20))
		sum := CaseSummary{
			CaseID: id, Reference: fmt.Sprintf("CF-S%07d", i), Version: 1, Stage: "concern-raised",
			LA: "E0000000", Team: team, SocialWorker: fmt.Sprintf("sw-%04d", rng.IntN(2000)),
			FosteringSocialWorker: fmt.Sprintf("fsw-%03d", rng.IntN(300)), Carers: []string{fmt.Sprintf("carer-%05d", rng.IntN(50000))},
			OpenedAt: now.Add(-time.Duration(rng.IntN(90*24)) * time.Hour), UpdatedAt: now,
		}
		for a := range 3 {
			due := now.Add(time.Duration(rng.IntN(60*24*60)-30*24*60) * time.Minute)
			level := EscalationNone
			if !due.After(now) {
				level = EscalationOverdue + rng.IntN(3)
			}
			sum.Actions = append(sum.Actions, ActionSummary{
				ID: fmt.Sprintf("A%d", a+1), Kind: seedKinds[rng.IntN(len(seedKinds))], OwnerRole: "social_worker",
				OwnerUser: sum.SocialWorker, Due: due, Escalation: level,
			})
		}
		batch = append(batch, sum)
		if len(batch) == cap(batch) || i == n-1 {
			if err := s.ProjectAll(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return s.MarkBuilt(ctx)
}
