// A thin React wrapper around uPlot: builds the plot once per options object, feeds it new data without
// rebuilding, and follows its container's width.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

interface UplotChartProps {
  /** Options without width; the chart takes its container's width. Keep the object stable (useMemo). */
  options: Omit<uPlot.Options, "width">;
  data: uPlot.AlignedData;
  /** The x range to show (seconds), so stacked charts line up even when one series has gaps. */
  xRange?: [number, number] | undefined;
  testId: string;
  label: string;
  /** False for charts whose x is a category index (bars per group), not time. */
  timeX?: boolean;
}

/** uPlot needs some width to draw; a hidden container reports 0. */
const MIN_WIDTH = 200;

export function UplotChart({ options, data, xRange, testId, label, timeX = true }: UplotChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const xRangeRef = useRef(xRange);
  const dataRef = useRef(data);

  useEffect(() => {
    xRangeRef.current = xRange;
    dataRef.current = data;
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const withRange: uPlot.Options = {
      ...options,
      width: Math.max(container.clientWidth, MIN_WIDTH),
      scales: timeX
        ? {
            ...options.scales,
            x: {
              ...options.scales?.x,
              time: true,
              // Read the current range at draw time: the plot outlives many data updates.
              range: (_u, min, max) => xRangeRef.current ?? [min, max],
            },
          }
        : (options.scales ?? {}),
    };
    const plot = new uPlot(withRange, dataRef.current, container);
    plotRef.current = plot;
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(container.clientWidth, MIN_WIDTH), height: plot.height });
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [options, timeX]);

  useEffect(() => {
    plotRef.current?.setData(data);
  }, [data, xRange]);

  return <div className="chart" ref={containerRef} data-testid={testId} role="img" aria-label={label} />;
}
