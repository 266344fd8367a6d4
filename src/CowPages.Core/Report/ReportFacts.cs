using System;

namespace CowPages.Report;

/// <summary>What the report's header says about where and when it was made.</summary>
/// <param name="Title">The page's title and heading.</param>
/// <param name="HostName">The host the data came from.</param>
/// <param name="KernelRelease">The kernel release, as <c>uname -r</c> prints it.</param>
/// <param name="GeneratedAt">When the report was written, with its offset from UTC.</param>
/// <param name="Generator">What wrote it, such as "CowPages 0.1.0".</param>
public sealed record ReportFacts(string Title, string HostName, string KernelRelease, DateTimeOffset GeneratedAt, string Generator);
