package readmodel

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// The shape of a seeded model: a large agency's caseload spread over its teams and staff.
const (
	seedTeams          = 20
	seedSocialWorkers  = 2000
	seedFosteringSWs   = 300
	seedCarers         = 50000
	seedActionsPerCase = 3
	seedSpread         = 30 * 24 * time.Hour // actions fall due up to this long before or after now
	seedBatch          = 1000                // cases per pipeline
)

// seedKinds are the policy rule ids seeded actions use.
var seedKinds = []string{"police-report", "nrm-request", "nrm-rg-decision", "care-plan", "icpc", "csc-decision", "ictg-referral", "return-interview"}

// Seed projects n synthetic open cases, each with three open actions due within 30 days either
// side of now, owned by the case's social worker; those already due are escalated. It writes in
// pipelines without version checks or removal of older entries, so it is for benchmarks and
// demonstrations on a model of no real cases. Case i depends only on i and now, so seeding more
// cases later with the same now adds to the model without leaving stale entries.
func Seed(ctx context.Context, s *Store, n int, now time.Time) error {
	batch := make([]projection.Summary, 0, seedBatch)
	for i := range n {
		batch = append(batch, seedCase(i, now))
		if len(batch) == seedBatch || i == n-1 {
			if err := s.projectAll(ctx, batch); err != nil {
				return fmt.Errorf("seed %d cases: %w", n, err)
			}
			batch = batch[:0]
		}
	}
	return nil
}

func seedCase(i int, now time.Time) projection.Summary {
	rng := rand.New(rand.NewPCG(uint64(i), uint64(now.UnixMilli())))
	sum := projection.Summary{
		CaseID:                fmt.Sprintf("seed-%08d", i),
		Reference:             fmt.Sprintf("CF-S%07d", i),
		Version:               1,
		Stage:                 "concern-raised",
		LA:                    "E06000001",
		Team:                  fmt.Sprintf("team-%02d", rng.IntN(seedTeams)),
		SocialWorker:          fmt.Sprintf("sw-%04d", rng.IntN(seedSocialWorkers)),
		FosteringSocialWorker: fmt.Sprintf("fsw-%03d", rng.IntN(seedFosteringSWs)),
		Carers:                []string{fmt.Sprintf("carer-%05d", rng.IntN(seedCarers))},
		OpenedAt:              now.Add(-time.Duration(rng.Int64N(int64(3 * seedSpread)))).Truncate(time.Minute),
		UpdatedAt:             now.Add(-time.Duration(rng.Int64N(int64(seedSpread)))).Truncate(time.Millisecond),
	}
	for a := range seedActionsPerCase {
		// Whole minutes, so that many actions share a due time, as deadlines computed from
		// policy do.
		due := now.Add(time.Duration(rng.Int64N(int64(2*seedSpread))) - seedSpread).Truncate(time.Minute)
		level := projection.EscalationNone
		if !due.After(now) {
			level = projection.EscalationOverdue + rng.IntN(projection.EscalationLead-projection.EscalationOverdue+1)
		}
		kind := seedKinds[rng.IntN(len(seedKinds))]
		sum.Actions = append(sum.Actions, projection.Action{
			ID:         fmt.Sprintf("A%d", a+1),
			Kind:       kind,
			Class:      string(safeguarding.ClassOf(policy.RuleID(kind))),
			OwnerRole:  string(safeguarding.RoleSocialWorker),
			OwnerUser:  sum.SocialWorker,
			Due:        due,
			Escalation: level,
		})
	}
	return sum
}
