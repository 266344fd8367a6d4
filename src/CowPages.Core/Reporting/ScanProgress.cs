namespace CowPages.Reporting;

/// <summary>
/// How far a walk over one process (or over physical frames, with no process) has got, in pages or frames. The text
/// is left to whoever shows it, so that the walk spends nothing on progress that nobody sees.
/// </summary>
public readonly record struct ScanProgress(int? ProcessId, ulong Done, ulong Total, MemoryMapping? Mapping, ulong Position);
