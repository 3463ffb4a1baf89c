import type { LabHandlers } from '../../common/api/labApi';
import type { TemplateInfo } from '../../common/api/methods/graph';
import { analyzeGraph } from '../../common/graph/analysis';
import { formatSummary } from '../../common/graph/summary';
import { TEMPLATES, getTemplate } from '../../common/templates';
import { basePreprocessingOf } from '../../common/data/basePreprocessing';
import { generateKerasCode, generateTfjsCode } from '../../common/codegen';
import type { LabContext } from './labContext';

type GraphHandlers = Pick<LabHandlers, 'analyzeGraph' | 'summarizeGraph' | 'listTemplates' | 'createFromTemplate' | 'generateCode'>;

/**
 * Handlers of the graph methods: analysis, summary, templates and code generation. All
 * pure computations on the ModelGraph; nothing here touches the disk.
 */
export function createGraphHandlers(_context: LabContext): GraphHandlers {
  // Templates are code, so their default parameter counts never change while the lab runs.
  let templateInfos: TemplateInfo[] | undefined;
  return {
    analyzeGraph: async ({ graph }) => analyzeGraph(graph),
    summarizeGraph: async ({ graph }) => ({ text: formatSummary(graph, analyzeGraph(graph)) }),
    async listTemplates() {
      templateInfos ??= TEMPLATES.map((template) => {
        const info: TemplateInfo = {
          id: template.id,
          title: template.title,
          description: template.description,
          inputShape: [...template.defaultInputShape],
          classes: template.defaultClasses,
          totalParams: analyzeGraph(template.build()).totals.total,
        };
        const application = template.application;
        if (application) {
          info.application = {
            minSize: application.minSize,
            totalParamsWithoutTop: analyzeGraph(template.build({ includeTop: false })).totals.total,
            preprocessing: basePreprocessingOf(application.module),
            weightsFiles: { ...application.weightsFiles },
          };
        }
        return info;
      });
      return templateInfos.map((info) => ({ ...info, inputShape: [...info.inputShape] }));
    },
    createFromTemplate: async ({ id, ...options }) => getTemplate(id).build(options),
    generateCode: async ({ graph, language }) => ({ code: language === 'keras' ? generateKerasCode(graph) : generateTfjsCode(graph) }),
  };
}
