using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CowPages.Fork;
using CowPages.Reporting;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Watch;

/// <summary>
/// Copy-on-write over time: compares a reference process (a parent, master or server) with each of its children, or
/// with given processes, at every tick of a fixed schedule, and yields one <see cref="ForkSample"/> per child (per
/// mapping name with <see cref="ForkWatchSettings.ByMapping"/>) as soon as it is taken. Children are looked up again
/// every tick, so a child forked during the watch joins at the next tick, and one that exits ends its series. The
/// processes stay open from tick to tick, and every comparison reads into the same buffers.
/// </summary>
public sealed class ForkWatch : IDisposable
{
    /// <summary>
    /// A tick this much of an interval late is reported, as is any tick after a slot left out; a timer wake-up on a
    /// busy machine is late by a few tens of milliseconds, which is noise, not drift.
    /// </summary>
    private const double LateFraction = 0.25;

    private readonly IProcfsSource _source;
    private readonly ForkWatchSettings _settings;
    private readonly IWatchClock _clock;
    private readonly IScanObserver _observer;
    private readonly Action<ProcfsException> _failed;
    private readonly ForkBuffers _buffers = new();
    private readonly SortedDictionary<int, ChildSeries> _series = new();
    private IProcessSource? _reference;
    private TimeSpan _referenceStart;
    private bool _approximationNoticed;
    private TimeSpan _origin;

    private ForkWatch(IProcfsSource source, ForkWatchSettings settings, IWatchClock clock, IScanObserver observer, Action<ProcfsException> failed)
    {
        _source = source;
        _settings = settings;
        _clock = clock;
        _observer = observer;
        _failed = failed;
    }

    /// <summary>
    /// Watches until the duration is over, the reference exits, every given difference process has exited, or
    /// <paramref name="cancel"/> is cancelled (then within the wait, at once). A child that cannot be read (no
    /// permission, a malformed file) is handed to <paramref name="failed"/> once and not sampled again.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval or the duration is not positive.</exception>
    /// <exception cref="ProcfsException">
    /// The reference does not exist or cannot be read, has no user memory (a kernel thread), or has no children when
    /// none were given and no duration either (NoChildren); or Pfn was asked for where frames are hidden.
    /// </exception>
    public static IEnumerable<ForkSample> Run(IProcfsSource source, ForkWatchSettings settings, IWatchClock clock, IScanObserver observer,
        Action<ProcfsException> failed, CancellationToken cancel = default)
    {
        var schedule = new TickSchedule(settings.Interval, settings.Duration);
        return new ForkWatch(source, settings, clock, observer, failed).Samples(schedule, cancel);
    }

    private IEnumerable<ForkSample> Samples(TickSchedule schedule, CancellationToken cancel)
    {
        using (this)
        {
            if (!Start())
            {
                yield break;
            }
            TimeSpan lateLimit = _settings.Interval * LateFraction;
            // The schedule starts once the watch is ready: opening and finding children are not a late first tick.
            _origin = _clock.Elapsed;
            while (_clock.WaitUntil(_origin + schedule.Due, cancel))
            {
                TimeSpan late = _clock.Elapsed - _origin - schedule.Due;
                if (late > lateLimit || schedule.Skipped > 0)
                {
                    _observer.Notice(ScanNotice.TickLate(schedule.Due, late, _settings.Interval, schedule.Skipped));
                }
                if (!ReferenceAlive())
                {
                    yield break;
                }
                Discover();
                if (PinReference() is not IProcessSource reference)
                {
                    yield break;
                }
                foreach (ChildSeries child in _series.Values.Where(s => !s.Failed).ToList())
                {
                    if (Sample(child, reference, cancel) is not List<ForkSample> samples)
                    {
                        if (cancel.IsCancellationRequested || !ReferenceAlive())
                        {
                            yield break;
                        }
                        continue;
                    }
                    foreach (ForkSample sample in samples)
                    {
                        yield return sample;
                    }
                }
                if (_settings.DifferenceIds is not null && _series.Values.All(s => s.Failed))
                {
                    // Every process given has exited (or could not be read): nothing is left to watch.
                    yield break;
                }
                if (!schedule.Advance(_clock.Elapsed - _origin))
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>Opens the reference and, when given, the difference processes; false when none of those exists.</summary>
    private bool Start()
    {
        if (_settings.Method == CowMethod.Pfn && !_source.FramesVisible)
        {
            throw ProcfsException.PfnUnavailable(_source.Name, null);
        }
        int referenceId = _settings.ReferenceId;
        _reference = _source.OpenProcess(referenceId);
        _referenceStart = _reference.ReadStartTime();
        if (_reference.ReadMaps().Count == 0)
        {
            throw ProcfsException.NoUserMemory(referenceId, _source.Name);
        }
        if (_settings.DifferenceIds is IReadOnlyList<int> given)
        {
            foreach (int id in given.Distinct())
            {
                IProcessSource process = _source.OpenProcess(id);
                try
                {
                    _series[id] = new ChildSeries(process, process.ReadStartTime());
                }
                catch (ProcfsException e)
                {
                    process.Dispose();
                    _failed(e);
                }
            }
            return _series.Count > 0;
        }
        if (_source.ChildrenOf(referenceId).Count == 0)
        {
            if (_settings.Duration is not TimeSpan duration)
            {
                throw ProcfsException.NoChildren(referenceId, _source.Name);
            }
            _observer.Notice(ScanNotice.NoChildrenYet(referenceId, duration));
        }
        return true;
    }

    /// <summary>The reference with this tick's maps, read once for all its children; null when it has exited.</summary>
    private IProcessSource? PinReference()
    {
        try
        {
            return new PinnedMapsProcess(_reference!, _reference!.ReadMaps());
        }
        catch (ProcfsException e) when (e.Kind is ProcfsErrorKind.NotFound or ProcfsErrorKind.ProcessExited)
        {
            return null;
        }
    }

    /// <summary>False once the reference has exited, is a zombie, or its PID belongs to a new process.</summary>
    private bool ReferenceAlive()
    {
        try
        {
            return _reference!.ReadStatus().State is not ('Z' or 'X') && _reference.ReadStartTime() == _referenceStart;
        }
        catch (ProcfsException e) when (e.Kind is ProcfsErrorKind.NotFound or ProcfsErrorKind.ProcessExited)
        {
            return false;
        }
    }

    /// <summary>
    /// Brings the series up to date with the reference's children: a new child starts a series, a child that is gone
    /// (or whose PID now belongs to a new process) ends one. Given difference processes are never added.
    /// </summary>
    private void Discover()
    {
        if (_settings.DifferenceIds is not null)
        {
            return;
        }
        IReadOnlyList<int> children = _source.ChildrenOf(_settings.ReferenceId);
        foreach (int id in _series.Keys.Except(children).ToList())
        {
            End(_series[id]);
        }
        foreach (int id in children)
        {
            if (_series.TryGetValue(id, out ChildSeries? known))
            {
                // A child that failed was reported once; it stays out of the samples while its PID is a child.
                if (known.Failed || StillTheSame(known))
                {
                    continue;
                }
                // The child exited and a new child got its PID: a new series.
                End(known);
            }
            IProcessSource process = _source.OpenProcess(id);
            try
            {
                _series[id] = new ChildSeries(process, process.ReadStartTime());
            }
            catch (ProcfsException e) when (e.Kind is ProcfsErrorKind.NotFound or ProcfsErrorKind.ProcessExited)
            {
                // Exited between the lookup and the read.
                process.Dispose();
            }
            catch (ProcfsException e)
            {
                // Unreadable (a hidepid mount, a child that changed user): an error for it, and the others go on.
                _series[id] = new ChildSeries(process, TimeSpan.Zero) { Failed = true };
                _failed(e);
            }
        }
    }

    /// <summary>True while a series' PID still belongs to the process it started with.</summary>
    private static bool StillTheSame(ChildSeries child)
    {
        try
        {
            return child.Process.ReadStartTime() == child.StartTime;
        }
        catch (ProcfsException e) when (e.Kind is ProcfsErrorKind.NotFound or ProcfsErrorKind.ProcessExited)
        {
            return false;
        }
    }

    /// <summary>
    /// Compares one child with the reference now. Null when there is nothing to yield: the child (or the reference)
    /// has exited, the child failed and was reported, or the watch was cancelled.
    /// </summary>
    private List<ForkSample>? Sample(ChildSeries child, IProcessSource reference, CancellationToken cancel)
    {
        // All three clocks read together, so that a sample's age and its place in the series agree.
        TimeSpan at = _clock.Elapsed - _origin;
        DateTimeOffset timestamp = _clock.Now;
        TimeSpan uptime = _source.ReadUptime();
        try
        {
            if (_settings.DifferenceIds is not null && !StillTheSame(child))
            {
                // A given process exited and its PID was reused: that is not the process asked for.
                End(child);
                return null;
            }
            using ForkComparer comparer = ForkComparer.Open(_source, reference, child.Process, PageSelection.All, _buffers, _settings.Method);
            if (comparer.Segments.Count == 0)
            {
                // A zombie: it has exited, and its parent has not reaped it yet.
                End(child);
                return null;
            }
            TimeSpan age = uptime - child.StartTime;
            var keys = new List<string>();
            var counts = new Dictionary<string, ForkStateCounts>(StringComparer.Ordinal);
            ulong done = 0;
            foreach (ForkSegment segment in comparer.Segments)
            {
                if (segment.Side != ForkMappingSide.Both)
                {
                    continue;
                }
                _observer.Progress(new ScanProgress(child.ProcessId, done, comparer.ComparedPages, segment.Mapping, segment.Start));
                ForkStateCounts segmentCounts = comparer.CountSegment(segment, cancel);
                string key = _settings.ByMapping ? segment.Mapping.Name : "";
                if (!counts.TryGetValue(key, out ForkStateCounts sum))
                {
                    keys.Add(key);
                }
                sum.Add(segmentCounts);
                counts[key] = sum;
                done += segment.Pages;
            }
            Notice(child, comparer);
            var samples = new List<ForkSample>(keys.Count);
            foreach (string key in keys)
            {
                ForkStateCounts sum = counts[key];
                double? rate = child.RateOf(key, PageGeometry.Bytes(sum.Copied), at);
                samples.Add(new ForkSample(timestamp, at, _settings.ReferenceId, child.ProcessId, age,
                    _settings.ByMapping ? key : null, sum, rate, comparer.Method));
            }
            return samples;
        }
        catch (ProcfsException e) when (e.Kind is ProcfsErrorKind.NotFound or ProcfsErrorKind.ProcessExited)
        {
            // The child's exit ends its series; the reference's is noticed by the caller.
            if (e.ProcessId != _settings.ReferenceId)
            {
                End(child);
            }
            return null;
        }
        catch (ProcfsException e) when (e.ProcessId == child.ProcessId)
        {
            child.Failed = true;
            _failed(e);
            return null;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Says once what the comparer's method cannot tell, and once per child that ranges changed under it.</summary>
    private void Notice(ChildSeries child, ForkComparer comparer)
    {
        if (comparer.Method == CowMethod.ExclusiveBit && _settings.Method != CowMethod.ExclusiveBit && !_approximationNoticed)
        {
            _observer.Notice(ForkAnalysis.ApproximationNotice(child.ProcessId));
            _approximationNoticed = true;
        }
        if (comparer.ChangedRanges.Count > 0 && !child.ChangesNoticed)
        {
            _observer.Notice(ScanNotice.RangesChanged(child.ProcessId, child.Process.PagemapPath, comparer.ChangedRanges));
            child.ChangesNoticed = true;
        }
    }

    private void End(ChildSeries child)
    {
        _series.Remove(child.ProcessId);
        child.Dispose();
    }

    public void Dispose()
    {
        foreach (ChildSeries child in _series.Values)
        {
            child.Dispose();
        }
        _series.Clear();
        _reference?.Dispose();
        _reference = null;
    }
}
