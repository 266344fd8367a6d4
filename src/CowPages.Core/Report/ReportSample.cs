using System;

namespace CowPages.Report;

/// <summary>
/// One sample of a child's copy-on-write over time, as Watch-ForkPages emits it (a ForkSample), in the fields the
/// report's time chart needs. Samples of one child taken with -ByMapping carry a mapping each and are added up per time.
/// </summary>
public sealed record ReportSample(
    DateTimeOffset Timestamp,
    TimeSpan Elapsed,
    int ReferenceId,
    int DifferenceId,
    ulong SharedBytes,
    ulong CopiedBytes,
    double CopiedBytesPerSecond,
    string? Method,
    string? Mapping);
