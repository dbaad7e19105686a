//go:build race

package api_test

// floodSize is how many refused requests the flood test sends: under the race detector, which
// slows every request tenfold, enough to cross the 1,000th refusal of the hour.
const floodSize = 5000
