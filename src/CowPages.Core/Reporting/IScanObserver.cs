namespace CowPages.Reporting;

/// <summary>
/// What an analysis tells its caller while it runs, besides the objects it yields: how far it has got, and notices
/// the user should read (a method that is approximate here, ranges that changed under the walk, a kernel quirk
/// that was corrected). Called on the thread that enumerates the results, between objects.
/// </summary>
public interface IScanObserver
{
    /// <summary>Called often (per chunk): cheap to ignore, and the caller decides how often to show it.</summary>
    void Progress(in ScanProgress progress);

    void Notice(ScanNotice notice);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullScanObserver : IScanObserver
{
    public static readonly NullScanObserver Instance = new();

    public void Progress(in ScanProgress progress)
    {
    }

    public void Notice(ScanNotice notice)
    {
    }
}
