package bench

import (
	"math"
	"slices"
	"time"
)

// Sample is a set of latencies from one arm.
type Sample []time.Duration

// Quantile returns the q-quantile (0..1) by the nearest-rank method.
func (s Sample) Quantile(q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Arm is one side of a comparison, summarised.
type Arm struct {
	Name   string  `json:"name"`
	N      int     `json:"n"`
	P50MS  float64 `json:"p50_ms"`
	P99MS  float64 `json:"p99_ms"`
	PerSec float64 `json:"per_second,omitempty"`
}

// summarise reduces an arm's latencies. With rate set, it also gives the arm's throughput: the
// rate its clients would sustain alone, each sending the next request when one returns.
func summarise(name string, s Sample, clients int, rate bool) Arm {
	a := Arm{Name: name, N: len(s), P50MS: ms(s.Quantile(0.5)), P99MS: ms(s.Quantile(0.99))}
	var total time.Duration
	for _, d := range s {
		total += d
	}
	if rate && total > 0 {
		a.PerSec = float64(clients) * float64(len(s)) / total.Seconds()
	}
	return a
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Result compares caseflow with a baseline measured in the same run.
type Result struct {
	Name     string `json:"name"`
	Detail   string `json:"detail"`
	Ours     Arm    `json:"caseflow"`
	Baseline Arm    `json:"baseline"`
	Extra    []Arm  `json:"extra,omitempty"`
	// Parts split caseflow's figure by where the time went.
	Parts    []Arm   `json:"parts,omitempty"`
	RatioP50 float64 `json:"ratio_p50"`
	RatioP99 float64 `json:"ratio_p99"`
	Note     string  `json:"note,omitempty"`
}

func compare(name, detail string, ours, base Arm) Result {
	r := Result{Name: name, Detail: detail, Ours: ours, Baseline: base}
	if base.P50MS > 0 {
		r.RatioP50 = ours.P50MS / base.P50MS
	}
	if base.P99MS > 0 {
		r.RatioP99 = ours.P99MS / base.P99MS
	}
	return r
}
