package workflows

import "go.temporal.io/sdk/workflow"

// wakeup tells the main loop that something changed. It holds at most one pending signal: ten
// updates in a burst wake the loop once, and the loop then sees all ten.
type wakeup struct{ ch workflow.Channel }

func newWakeup(ctx workflow.Context) *wakeup {
	return &wakeup{ch: workflow.NewBufferedChannel(ctx, 1)}
}

func (w *wakeup) signal() { w.ch.SendAsync(struct{}{}) }

func (w *wakeup) addTo(sel workflow.Selector) {
	sel.AddReceive(w.ch, func(c workflow.ReceiveChannel, _ bool) { c.ReceiveAsync(nil) })
}
