using System;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace CowPages;

/// <summary>The width of the host's window, for drawings that fill it.</summary>
internal static class ConsoleWidth
{
    /// <summary>What is used when the host has no window (redirected, remoting, a job).</summary>
    internal const int Default = 120;

    internal static int Of(PSHost host)
    {
        try
        {
            int width = host.UI.RawUI?.WindowSize.Width ?? 0;
            return width > 0 ? width : Default;
        }
        catch (Exception e) when (e is NotImplementedException or HostException or PSNotImplementedException or System.IO.IOException)
        {
            return Default;
        }
    }
}
