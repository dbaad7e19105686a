//go:build !race

package safeguarding_test

// raceDetector: the tests run under the race detector.
const raceDetector = false
