using System;
using System.Management.Automation;
using CowPages.Map;

namespace CowPages;

/// <summary>
/// Chooses how Show-CowMap draws: in the colours of <c>$PSStyle</c> when <c>$PSStyle.OutputRendering</c> allows them
/// where the lines go, otherwise in plain characters, one per state, that still read in a log file.
/// </summary>
internal static class TerminalColours
{
    /// <summary>
    /// Ansi: always colours. PlainText: never. Host: colours only when the lines go straight to a terminal that
    /// understands them: the host supports VT sequences, stdout is not redirected, and no command follows in the
    /// pipeline (Out-File, Set-Content or Select-String would keep the sequences, or strip them and lose the states).
    /// </summary>
    internal static MapTextStyle Choose(PSCmdlet cmdlet, bool noColor)
    {
        if (noColor || cmdlet.SessionState.PSVariable.GetValue("PSStyle") is not object value)
        {
            return MapTextStyle.Plain;
        }
        PSObject style = PSObject.AsPSObject(value);
        bool colour = Property(style, "OutputRendering")?.ToString() switch
        {
            "Ansi" => true,
            "Host" => SupportsColour(cmdlet),
            _ => false,
        };
        if (!colour || Property(style, "Foreground") is not object foreground || Property(style, "Background") is not object background)
        {
            return MapTextStyle.Plain;
        }
        PSObject fg = PSObject.AsPSObject(foreground), bg = PSObject.AsPSObject(background);
        return MapTextStyle.Colour(name => Property(fg, name)?.ToString() ?? "", name => Property(bg, name)?.ToString() ?? "",
            Property(style, "Reset")?.ToString() ?? "");
    }

    private static bool SupportsColour(PSCmdlet cmdlet)
    {
        try
        {
            return cmdlet.Host.UI.SupportsVirtualTerminal && !Console.IsOutputRedirected
                && cmdlet.MyInvocation.PipelinePosition == cmdlet.MyInvocation.PipelineLength;
        }
        catch (NotImplementedException)
        {
            return false;
        }
    }

    private static object? Property(PSObject o, string name) => o.Properties[name]?.Value;
}
