using System.Collections.Generic;

namespace CowPages.Core.Tests.Synthetic;

/// <summary>Keeps what an analysis reported, for the tests to look at.</summary>
internal sealed class RecordingObserver : IScanObserver
{
    public List<ScanProgress> Progresses { get; } = new();

    public List<ScanNotice> Notices { get; } = new();

    public void Progress(in ScanProgress progress) => Progresses.Add(progress);

    public void Notice(ScanNotice notice) => Notices.Add(notice);
}
