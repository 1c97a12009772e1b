import { RRuleTemporal } from "rrule-temporal";
import rr from "rrule";
const { RRule, rrulestr } = rr;
const cases = [
  ["DTSTART:20250105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE", Date.UTC(2026,5,1)],
  ["DTSTART:20250105T090000\nRRULE:FREQ=MINUTELY;INTERVAL=7", Date.UTC(2026,5,1)],
  ["DTSTART:20250105T090000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", Date.UTC(2026,5,1)],
  ["DTSTART:20250105T090000\nRRULE:FREQ=SECONDLY;INTERVAL=13", Date.UTC(2026,5,1)],
  ["DTSTART:20250105T090000\nRRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", Date.UTC(2026,5,1)],
];
function time(fn, n) { for (let i=0;i<Math.min(n,20);i++) fn(); const t=performance.now(); for(let i=0;i<n;i++) fn(); return (performance.now()-t)/n*1000; }
for (const [text, after] of cases) {
  const [d, r] = text.split("\n");
  const t = new RRuleTemporal({ rruleString: text.replace("DTSTART:", "DTSTART;TZID=UTC:") });
  const res1 = t.next(new Date(after));
  const us1 = time(() => t.next(new Date(after)), 200);
  const usCtor = time(() => new RRuleTemporal({ rruleString: text.replace("DTSTART:", "DTSTART;TZID=UTC:") }).next(new Date(after)), 200);
  const o = rrulestr(text.replace(/DTSTART:(\S+)/, "DTSTART:$1Z"));
  const res2 = o.after(new Date(after));
  const us2 = time(() => o.after(new Date(after)), 20);
  console.log(text.replace("\n"," "), res1?.toString(), res2?.toISOString(), `temporal ${us1.toFixed(1)}us (with ctor ${usCtor.toFixed(1)}) rrule ${us2.toFixed(1)}us`);
}
